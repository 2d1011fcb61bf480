//! The ledger fields ledgerlens understands and the header words that name them.

use serde::Serialize;

use crate::i18n::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Date,
    Department,
    Account,
    Vendor,
    Description,
    Amount,
    Voucher,
    BudgetItem,
    PaymentMethod,
    /// Time of use (card records): late-night use is read from it.
    Time,
    /// The currency of the amounts.
    Currency,
    /// Who used the card (사용자, a card number): card records' people.
    CardHolder,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Date,
        Field::Department,
        Field::Account,
        Field::Vendor,
        Field::Description,
        Field::Amount,
        Field::Voucher,
        Field::BudgetItem,
        Field::PaymentMethod,
        Field::Time,
        Field::Currency,
        Field::CardHolder,
    ];

    /// Without these the ledger cannot be scored. A ledger without an
    /// account column (a vendor-payment or card export) is one account:
    /// every norm is then the department's or the whole ledger's.
    pub const REQUIRED: [Field; 2] = [Field::Date, Field::Amount];

    pub fn key(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Department => "department",
            Field::Account => "account",
            Field::Vendor => "vendor",
            Field::Description => "description",
            Field::Amount => "amount",
            Field::Voucher => "voucher",
            Field::BudgetItem => "budget_item",
            Field::PaymentMethod => "payment_method",
            Field::Time => "time",
            Field::Currency => "currency",
            Field::CardHolder => "card_holder",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        let key = key.trim().to_ascii_lowercase().replace('-', "_");
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn label(self) -> Text {
        let (ko, en) = match self {
            Field::Date => ("집행일자", "Date"),
            Field::Department => ("부서명", "Department"),
            Field::Account => ("계정과목", "Account"),
            Field::Vendor => ("거래처", "Vendor"),
            Field::Description => ("적요", "Description"),
            Field::Amount => ("집행금액", "Amount"),
            Field::Voucher => ("전표번호", "Voucher"),
            Field::BudgetItem => ("예산과목", "Budget item"),
            Field::PaymentMethod => ("결제수단", "Payment method"),
            Field::Time => ("사용시간", "Time of use"),
            Field::Currency => ("통화", "Currency"),
            Field::CardHolder => ("사용자", "Card holder"),
        };
        Text::new(ko, en)
    }

    /// Header words for this field, already in [`normalize_header`] form.
    /// Order matters only for readability; matching is exact on the
    /// normalised header, then by containment for the longer synonyms.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Date => &[
                "집행일자",
                "집행일",
                "지출일자",
                "지출일",
                "지급일자",
                "지급일",
                "결의일자",
                "회계일자",
                "전표일자",
                "거래일자",
                "거래일",
                "승인일자",
                "사용일자",
                "사용일",
                "사용일시",
                "결제일자",
                "결제일",
                "승인일",
                "승인일시",
                "거래일시",
                "일자",
                "날짜",
                "date",
                "postingdate",
                "paymentdate",
                "transactiondate",
                "txndate",
                "transdate",
                "dateoftransaction",
            ],
            Field::Department => &[
                "부서명",
                "부서",
                "집행부서",
                "사용부서",
                "예산부서",
                "소관부서",
                "담당부서",
                "팀명",
                "department",
                "dept",
                "departmentname",
                "costcenter",
                "division",
                "costcentre",
                "directorate",
            ],
            Field::Account => &[
                "계정과목",
                "계정과목명",
                "계정",
                "계정명",
                "세목",
                "세목명",
                "비목",
                "통계목",
                "account",
                "accountname",
                "glaccount",
                "expensetype",
                "category",
                "transcacdesc1",
            ],
            Field::Vendor => &[
                "거래처",
                "거래처명",
                "지급처",
                "채주",
                "채주명",
                "상호",
                "업체명",
                "수취인",
                "공급자",
                "가맹점",
                "가맹점명",
                "식당명",
                "사용처",
                "사용장소",
                "vendor",
                "vendorname",
                "payee",
                "supplier",
                "merchant",
                "counterparty",
                "vendornum",
                "vendorno",
                "vendorid",
                "vendornumber",
                "merchantname",
                "merchdescription",
            ],
            Field::Description => &[
                "적요",
                "내용",
                "지출내용",
                "집행내용",
                "건명",
                "지출건명",
                "사용내역",
                "사용목적",
                "집행목적",
                "description",
                "memo",
                "narrative",
                "details",
                "purpose",
            ],
            Field::Amount => &[
                "집행금액",
                "집행액",
                "금액",
                "지출금액",
                "지급금액",
                "결의금액",
                "사용금액",
                "결제금액",
                "승인금액",
                "사용액",
                "지출액",
                "amount",
                "paymentamount",
                "amountkrw",
                "value",
                "expenditure",
                "grossamount",
                "originalgrossamt",
                "transactionamount",
            ],
            Field::Voucher => &[
                "전표번호",
                "전표",
                "결의번호",
                "지출결의번호",
                "결의서번호",
                "증빙번호",
                "문서번호",
                "voucher",
                "voucherno",
                "vouchernumber",
                "documentno",
                "docno",
                "invoiceno",
                "invoicenumber",
                "invnum",
                "invoicenum",
            ],
            Field::BudgetItem => &[
                "예산과목",
                "세부사업",
                "세부사업명",
                "사업명",
                "예산항목",
                "단위사업",
                "budgetitem",
                "budgetline",
                "program",
            ],
            Field::PaymentMethod => &[
                "결제수단",
                "지급방법",
                "결제방법",
                "지급수단",
                "지출방법",
                "paymentmethod",
                "method",
                "paymenttype",
            ],
            Field::Time => &[
                "사용시간",
                "승인시간",
                "결제시간",
                "거래시간",
                "사용시각",
                "승인시각",
                "시간",
                "시각",
                "time",
                "transactiontime",
                "transtime",
                "authorisationtime",
                "authorizationtime",
            ],
            Field::CardHolder => &[
                "사용자",
                "사용자명",
                "카드사용자",
                "카드소지자",
                "카드번호",
                "cardholder",
                "cardholdername",
                "cardnum",
                "cardnumber",
                "cardno",
                "employee",
            ],
            Field::Currency => &[
                "통화",
                "통화코드",
                "화폐",
                "currency",
                "currencycode",
                "ccy",
                "curr",
            ],
        }
    }
}

/// Lower-cases, drops spaces, punctuation and bracketed units so that
/// "집행 금액(원)", "Amount (KRW)" and "AMOUNT" compare equal to their synonym.
pub fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0usize;
    for ch in header.chars() {
        match ch {
            '(' | '[' | '{' | '（' | '［' => depth += 1,
            ')' | ']' | '}' | '）' | '］' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    // "Amount (KRW)" keeps its word, but a header that is nothing but a
    // bracketed word, such as "(금액)", keeps the word inside.
    if out.is_empty() {
        return header
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect();
    }
    out
}

/// Which field, if any, a header names, and how sure we are (2 exact, 1 partial).
pub fn match_header(header: &str) -> Option<(Field, u8)> {
    let norm = normalize_header(header);
    if norm.is_empty() {
        return None;
    }
    for field in Field::ALL {
        if field.synonyms().contains(&norm.as_str()) {
            return Some((field, 2));
        }
    }
    // Partial: the header contains a distinctive synonym ("집행금액합계" is
    // not a header we expect, but "지출결의일자" is a date). Only synonyms of
    // three or more characters, so that "계" or "일자" alone don't match.
    for field in Field::ALL {
        if field
            .synonyms()
            .iter()
            .any(|syn| syn.chars().count() >= 3 && norm.contains(syn))
        {
            return Some((field, 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_their_fields() {
        assert_eq!(match_header("집행일자"), Some((Field::Date, 2)));
        assert_eq!(match_header(" 집행 금액(원) "), Some((Field::Amount, 2)));
        assert_eq!(match_header("Amount (KRW)"), Some((Field::Amount, 2)));
        assert_eq!(match_header("Vendor Name"), Some((Field::Vendor, 2)));
        assert_eq!(match_header("지출결의일자"), Some((Field::Date, 1)));
        // Real exports: card-expense records and purchase-card files.
        for (header, field) in [
            ("사용일", Field::Date),
            ("승인일자", Field::Date),
            ("사용금액", Field::Amount),
            ("결제금액", Field::Amount),
            ("식당명", Field::Vendor),
            ("사용장소", Field::Vendor),
            ("사용목적", Field::Description),
            ("비목", Field::Account),
            ("결제방법", Field::PaymentMethod),
            ("사용시간", Field::Time),
            ("승인시간", Field::Time),
            ("사용일시", Field::Date),
            ("통화", Field::Currency),
            ("사용자", Field::CardHolder),
            ("CARDNUM", Field::CardHolder),
            ("Card Number", Field::CardHolder),
            ("ORIGINAL GROSS AMT", Field::Amount),
            ("TRANS CAC DESC 1", Field::Account),
            ("Merchant Name", Field::Vendor),
            ("Transaction Date", Field::Date),
            ("Cost Centre", Field::Department),
        ] {
            assert_eq!(match_header(header).map(|m| m.0), Some(field), "{header}");
        }
        assert_eq!(match_header("비고"), None);
        assert_eq!(match_header(""), None);
    }

    #[test]
    fn field_keys_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_key(f.key()), Some(f));
        }
        assert_eq!(Field::from_key("Budget-Item"), Some(Field::BudgetItem));
        assert_eq!(Field::from_key("nope"), None);
    }
}
