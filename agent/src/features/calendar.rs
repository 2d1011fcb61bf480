//! Calendar facts of a payment date: non-working days (weekends and Korean
//! public holidays), month end and the fiscal year end (Korean public
//! bodies close their books on 31 December).

use chrono::{Datelike, NaiveDate, Weekday};

use super::holidays;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CalendarFacts {
    pub non_working: bool,
    /// Korean and English name of the holiday, or of the weekend day.
    pub day_name: Option<(&'static str, &'static str)>,
    /// One of the last three calendar days of the month.
    pub month_end: bool,
    /// 15–31 December: the last fortnight of the fiscal year.
    pub late_december: bool,
}

/// Which public holidays a ledger keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holidays {
    /// Korea's (the table in [`holidays`]): a ledger in won.
    Korean,
    /// Only New Year's Day and Christmas Day, which nearly every country
    /// outside Korea that pays in pounds, dollars or euros keeps; other
    /// national days are not assumed.
    Common,
}

impl Holidays {
    /// The holidays of a ledger kept in `currency`.
    pub fn of(currency: crate::money::Currency) -> Holidays {
        if currency == crate::money::Currency::Krw {
            Holidays::Korean
        } else {
            Holidays::Common
        }
    }

    fn name(self, date: NaiveDate) -> Option<(&'static str, &'static str)> {
        match self {
            Holidays::Korean => holidays::holiday_name(date),
            Holidays::Common => match (date.month(), date.day()) {
                (1, 1) => Some(("신정", "New Year's Day")),
                (12, 25) => Some(("성탄절", "Christmas Day")),
                _ => None,
            },
        }
    }
}

pub fn facts(date: NaiveDate, holidays: Holidays) -> CalendarFacts {
    let weekend = match date.weekday() {
        Weekday::Sat => Some(("토요일", "Saturday")),
        Weekday::Sun => Some(("일요일", "Sunday")),
        _ => None,
    };
    let holiday = holidays.name(date);
    let day_name = holiday.or(weekend);
    let days_in_month = days_in_month(date);
    CalendarFacts {
        non_working: day_name.is_some(),
        day_name,
        month_end: date.day() + 2 >= days_in_month,
        late_december: date.month() == 12 && date.day() >= 15,
    }
}

pub fn days_in_month(date: NaiveDate) -> u32 {
    let (y, m) = (date.year(), date.month());
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(31, |d| d.day())
}

/// Months since year 0, a compact key for monthly groups.
pub fn month_index(date: NaiveDate) -> u32 {
    (date.year().max(0) as u32) * 12 + date.month0()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_holidays_and_year_end() {
        let sat = facts(d(2024, 3, 16), Holidays::Korean);
        assert!(sat.non_working);
        assert_eq!(sat.day_name, Some(("토요일", "Saturday")));
        let chuseok = facts(d(2024, 9, 17), Holidays::Korean);
        assert!(chuseok.non_working);
        assert!(chuseok.day_name.unwrap().0.contains("추석"));
        let tue = facts(d(2024, 3, 19), Holidays::Korean);
        assert!(!tue.non_working && tue.day_name.is_none());
        assert!(facts(d(2024, 2, 27), Holidays::Korean).month_end);
        assert!(!facts(d(2024, 2, 26), Holidays::Korean).month_end);
        assert!(facts(d(2024, 12, 20), Holidays::Korean).late_december);
        assert!(!facts(d(2024, 12, 14), Holidays::Korean).late_december);
        // Outside Korea, Chuseok is a working day; Christmas is not.
        assert!(!facts(d(2024, 9, 17), Holidays::Common).non_working);
        assert!(facts(d(2024, 12, 25), Holidays::Common).non_working);
        assert!(facts(d(2024, 3, 16), Holidays::Common).non_working);
    }
}
