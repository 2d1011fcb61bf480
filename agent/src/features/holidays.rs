//! Korean public holidays (관공서의 공휴일) for flagging ledger payments made
//! on non-working days.
//!
//! # Why a table and not a formula
//!
//! Only part of the calendar can be computed. 설날 (three days around lunar
//! 1/1), 추석 (lunar 8/14–8/16) and 부처님오신날 (lunar 4/8) follow the Korean
//! lunisolar calendar, which the government publishes each year in the
//! 월력요항 (by KASI / MSIT until 2024, by 우주항공청 KASA from 2025). On top of
//! that come things no rule can predict:
//!
//! * election days (national elections on schedule are holidays by law, and an
//!   early presidential election is declared a temporary holiday, e.g.
//!   2025-06-03);
//! * 임시공휴일, one-off temporary holidays decided by the cabinet
//!   (2020-08-17, 2023-10-02, 2024-10-01, 2025-01-27);
//! * 대체공휴일 substitute holidays, whose rules changed twice in this period:
//!   up to mid-2021 only 설날, 추석 (overlapping a Sunday or another holiday)
//!   and 어린이날 (also Saturday) had one; from 2021-08 3·1절, 광복절,
//!   개천절 and 한글날 gained one; from 2023-05 부처님오신날 and 성탄절 did
//!   too. 1월 1일 and 현충일 never get one;
//! * changes to the holiday law itself: 제헌절 (7/17) becomes a public
//!   holiday again from 2026 (공휴일에 관한 법률 amended 2026-01-29).
//!
//! So the days are listed explicitly, year by year, from the published
//! calendars and government announcements.
//!
//! # After 2026
//!
//! The table covers 2020..=2026 (`FIRST_YEAR`, `LAST_YEAR` in the tests). Dates outside it are
//! treated as ordinary working days unless they fall on a weekend, so
//! payments in later years will be under-flagged, never over-flagged. To
//! extend it, add the next year's block from the 월력요항 published each June
//! (lunar holidays, substitutes, scheduled elections), add any 임시공휴일
//! announced later, and bump `LAST_YEAR`. The tests check that the table
//! stays sorted and free of duplicates.
//!
//! Only nationwide holidays are included: 노동절/근로자의 날 (5/1, a paid day
//! off for private-sector employees but not a 관공서 공휴일 as of early 2026)
//! and local holidays (e.g. 제주 4·3) are not.

use chrono::{Datelike, NaiveDate, Weekday};

/// `(year, month, day, Korean name, English name)`, sorted by date, one entry
/// per date. When two holidays fall on the same date (2025-05-05) the entry
/// names both.
///
/// Lunar-calendar dates (설날, 추석, 부처님오신날) and substitute holidays are
/// taken from each year's 월력요항 (KASI/MSIT for 2020–2024, KASA for
/// 2025–2026), as reported in the press when it was published; temporary
/// holidays and election days from the 인사혁신처 / cabinet announcements.
#[rustfmt::skip]
static HOLIDAYS: &[(i32, u32, u32, &str, &str)] = &[
    // ---- 2020 (2020년 월력요항, 2019-06; 8/17 임시공휴일: 국무회의 2020-07-21)
    (2020, 1, 1, "신정", "New Year's Day"),
    (2020, 1, 24, "설날 연휴", "Seollal holiday (Lunar New Year's Eve)"),
    (2020, 1, 25, "설날", "Seollal (Lunar New Year)"),
    (2020, 1, 26, "설날 연휴", "Seollal holiday"),
    (2020, 1, 27, "대체공휴일(설날)", "Substitute holiday (Seollal)"),
    (2020, 3, 1, "삼일절", "Independence Movement Day"),
    (2020, 4, 15, "제21대 국회의원선거일", "National Assembly election day"),
    (2020, 4, 30, "부처님오신날", "Buddha's Birthday"),
    (2020, 5, 5, "어린이날", "Children's Day"),
    (2020, 6, 6, "현충일", "Memorial Day"),
    (2020, 8, 15, "광복절", "Liberation Day"),
    (2020, 8, 17, "임시공휴일", "Temporary public holiday"),
    (2020, 9, 30, "추석 연휴", "Chuseok holiday"),
    (2020, 10, 1, "추석", "Chuseok"),
    (2020, 10, 2, "추석 연휴", "Chuseok holiday"),
    (2020, 10, 3, "개천절", "National Foundation Day"),
    (2020, 10, 9, "한글날", "Hangul Day"),
    (2020, 12, 25, "기독탄신일", "Christmas Day"),
    // ---- 2021 (2021년 월력요항, 2020-06; substitutes for 국경일 from
    //      관공서의 공휴일에 관한 규정 amendment, 2021-08; none for 12/25)
    (2021, 1, 1, "신정", "New Year's Day"),
    (2021, 2, 11, "설날 연휴", "Seollal holiday (Lunar New Year's Eve)"),
    (2021, 2, 12, "설날", "Seollal (Lunar New Year)"),
    (2021, 2, 13, "설날 연휴", "Seollal holiday"),
    (2021, 3, 1, "삼일절", "Independence Movement Day"),
    (2021, 5, 5, "어린이날", "Children's Day"),
    (2021, 5, 19, "부처님오신날", "Buddha's Birthday"),
    (2021, 6, 6, "현충일", "Memorial Day"),
    (2021, 8, 15, "광복절", "Liberation Day"),
    (2021, 8, 16, "대체공휴일(광복절)", "Substitute holiday (Liberation Day)"),
    (2021, 9, 20, "추석 연휴", "Chuseok holiday"),
    (2021, 9, 21, "추석", "Chuseok"),
    (2021, 9, 22, "추석 연휴", "Chuseok holiday"),
    (2021, 10, 3, "개천절", "National Foundation Day"),
    (2021, 10, 4, "대체공휴일(개천절)", "Substitute holiday (National Foundation Day)"),
    (2021, 10, 9, "한글날", "Hangul Day"),
    (2021, 10, 11, "대체공휴일(한글날)", "Substitute holiday (Hangul Day)"),
    (2021, 12, 25, "기독탄신일", "Christmas Day"),
    // ---- 2022 (2022년 월력요항, 2021-08)
    (2022, 1, 1, "신정", "New Year's Day"),
    (2022, 1, 31, "설날 연휴", "Seollal holiday (Lunar New Year's Eve)"),
    (2022, 2, 1, "설날", "Seollal (Lunar New Year)"),
    (2022, 2, 2, "설날 연휴", "Seollal holiday"),
    (2022, 3, 1, "삼일절", "Independence Movement Day"),
    (2022, 3, 9, "제20대 대통령선거일", "Presidential election day"),
    (2022, 5, 5, "어린이날", "Children's Day"),
    (2022, 5, 8, "부처님오신날", "Buddha's Birthday"),
    (2022, 6, 1, "제8회 전국동시지방선거일", "Local election day"),
    (2022, 6, 6, "현충일", "Memorial Day"),
    (2022, 8, 15, "광복절", "Liberation Day"),
    (2022, 9, 9, "추석 연휴", "Chuseok holiday"),
    (2022, 9, 10, "추석", "Chuseok"),
    (2022, 9, 11, "추석 연휴", "Chuseok holiday"),
    (2022, 9, 12, "대체공휴일(추석)", "Substitute holiday (Chuseok)"),
    (2022, 10, 3, "개천절", "National Foundation Day"),
    (2022, 10, 9, "한글날", "Hangul Day"),
    (2022, 10, 10, "대체공휴일(한글날)", "Substitute holiday (Hangul Day)"),
    (2022, 12, 25, "기독탄신일", "Christmas Day"),
    // ---- 2023 (2023년 월력요항, 2022-06; 5/29 from the 2023-05-02 amendment
    //      extending substitutes to 부처님오신날·성탄절; 10/2 임시공휴일:
    //      국무회의 2023-09-05)
    (2023, 1, 1, "신정", "New Year's Day"),
    (2023, 1, 21, "설날 연휴", "Seollal holiday (Lunar New Year's Eve)"),
    (2023, 1, 22, "설날", "Seollal (Lunar New Year)"),
    (2023, 1, 23, "설날 연휴", "Seollal holiday"),
    (2023, 1, 24, "대체공휴일(설날)", "Substitute holiday (Seollal)"),
    (2023, 3, 1, "삼일절", "Independence Movement Day"),
    (2023, 5, 5, "어린이날", "Children's Day"),
    (2023, 5, 27, "부처님오신날", "Buddha's Birthday"),
    (2023, 5, 29, "대체공휴일(부처님오신날)", "Substitute holiday (Buddha's Birthday)"),
    (2023, 6, 6, "현충일", "Memorial Day"),
    (2023, 8, 15, "광복절", "Liberation Day"),
    (2023, 9, 28, "추석 연휴", "Chuseok holiday"),
    (2023, 9, 29, "추석", "Chuseok"),
    (2023, 9, 30, "추석 연휴", "Chuseok holiday"),
    (2023, 10, 2, "임시공휴일", "Temporary public holiday"),
    (2023, 10, 3, "개천절", "National Foundation Day"),
    (2023, 10, 9, "한글날", "Hangul Day"),
    (2023, 12, 25, "기독탄신일", "Christmas Day"),
    // ---- 2024 (2024년 월력요항, 2023-06; 10/1 임시공휴일: 국무회의 2024-09-03)
    (2024, 1, 1, "신정", "New Year's Day"),
    (2024, 2, 9, "설날 연휴", "Seollal holiday (Lunar New Year's Eve)"),
    (2024, 2, 10, "설날", "Seollal (Lunar New Year)"),
    (2024, 2, 11, "설날 연휴", "Seollal holiday"),
    (2024, 2, 12, "대체공휴일(설날)", "Substitute holiday (Seollal)"),
    (2024, 3, 1, "삼일절", "Independence Movement Day"),
    (2024, 4, 10, "제22대 국회의원선거일", "National Assembly election day"),
    (2024, 5, 5, "어린이날", "Children's Day"),
    (2024, 5, 6, "대체공휴일(어린이날)", "Substitute holiday (Children's Day)"),
    (2024, 5, 15, "부처님오신날", "Buddha's Birthday"),
    (2024, 6, 6, "현충일", "Memorial Day"),
    (2024, 8, 15, "광복절", "Liberation Day"),
    (2024, 9, 16, "추석 연휴", "Chuseok holiday"),
    (2024, 9, 17, "추석", "Chuseok"),
    (2024, 9, 18, "추석 연휴", "Chuseok holiday"),
    (2024, 10, 1, "임시공휴일(국군의 날)", "Temporary public holiday (Armed Forces Day)"),
    (2024, 10, 3, "개천절", "National Foundation Day"),
    (2024, 10, 9, "한글날", "Hangul Day"),
    (2024, 12, 25, "기독탄신일", "Christmas Day"),
    // ---- 2025 (2025년 월력요항, KASA 2024-06; 1/27 임시공휴일: 국무회의
    //      2025-01-14; 6/3 early presidential election, declared a temporary
    //      holiday by the cabinet 2025-04-08. 10/10 was NOT designated.)
    (2025, 1, 1, "신정", "New Year's Day"),
    (2025, 1, 27, "임시공휴일", "Temporary public holiday"),
    (2025, 1, 28, "설날 연휴", "Seollal holiday (Lunar New Year's Eve)"),
    (2025, 1, 29, "설날", "Seollal (Lunar New Year)"),
    (2025, 1, 30, "설날 연휴", "Seollal holiday"),
    (2025, 3, 1, "삼일절", "Independence Movement Day"),
    (2025, 3, 3, "대체공휴일(삼일절)", "Substitute holiday (Independence Movement Day)"),
    (2025, 5, 5, "어린이날·부처님오신날", "Children's Day / Buddha's Birthday"),
    (2025, 5, 6, "대체공휴일(어린이날·부처님오신날)", "Substitute holiday (Children's Day / Buddha's Birthday)"),
    (2025, 6, 3, "제21대 대통령선거일", "Presidential election day"),
    (2025, 6, 6, "현충일", "Memorial Day"),
    (2025, 8, 15, "광복절", "Liberation Day"),
    (2025, 10, 3, "개천절", "National Foundation Day"),
    (2025, 10, 5, "추석 연휴", "Chuseok holiday"),
    (2025, 10, 6, "추석", "Chuseok"),
    (2025, 10, 7, "추석 연휴", "Chuseok holiday"),
    (2025, 10, 8, "대체공휴일(추석)", "Substitute holiday (Chuseok)"),
    (2025, 10, 9, "한글날", "Hangul Day"),
    (2025, 12, 25, "기독탄신일", "Christmas Day"),
    // ---- 2026 (2026년 월력요항, KASA 2025-06-30; 7/17 제헌절 from the
    //      공휴일에 관한 법률 amendment passed 2026-01-29, in force 3 months
    //      after promulgation, i.e. before 7/17)
    (2026, 1, 1, "신정", "New Year's Day"),
    (2026, 2, 16, "설날 연휴", "Seollal holiday (Lunar New Year's Eve)"),
    (2026, 2, 17, "설날", "Seollal (Lunar New Year)"),
    (2026, 2, 18, "설날 연휴", "Seollal holiday"),
    (2026, 3, 1, "삼일절", "Independence Movement Day"),
    (2026, 3, 2, "대체공휴일(삼일절)", "Substitute holiday (Independence Movement Day)"),
    (2026, 5, 5, "어린이날", "Children's Day"),
    (2026, 5, 24, "부처님오신날", "Buddha's Birthday"),
    (2026, 5, 25, "대체공휴일(부처님오신날)", "Substitute holiday (Buddha's Birthday)"),
    (2026, 6, 3, "제9회 전국동시지방선거일", "Local election day"),
    (2026, 6, 6, "현충일", "Memorial Day"),
    (2026, 7, 17, "제헌절", "Constitution Day"),
    (2026, 8, 15, "광복절", "Liberation Day"),
    (2026, 8, 17, "대체공휴일(광복절)", "Substitute holiday (Liberation Day)"),
    (2026, 9, 24, "추석 연휴", "Chuseok holiday"),
    (2026, 9, 25, "추석", "Chuseok"),
    (2026, 9, 26, "추석 연휴", "Chuseok holiday"),
    (2026, 10, 3, "개천절", "National Foundation Day"),
    (2026, 10, 5, "대체공휴일(개천절)", "Substitute holiday (National Foundation Day)"),
    (2026, 10, 9, "한글날", "Hangul Day"),
    (2026, 12, 25, "기독탄신일", "Christmas Day"),
];

/// Korean and English name of the holiday on `date`, if it is one.
///
/// Always `None` for dates outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn holiday_name(date: NaiveDate) -> Option<(&'static str, &'static str)> {
    let key = (date.year(), date.month(), date.day());
    HOLIDAYS
        .binary_search_by_key(&key, |&(y, m, d, _, _)| (y, m, d))
        .ok()
        .map(|i| (HOLIDAYS[i].3, HOLIDAYS[i].4))
}

/// Whether `date` is a nationwide public holiday (including substitute,
/// temporary and election-day holidays). Weekends are not counted here.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    holiday_name(date).is_some()
}

/// Saturday, Sunday or a public holiday.
pub fn is_non_working_day(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || is_public_holiday(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First and last year the table covers.
    const FIRST_YEAR: i32 = 2020;
    const LAST_YEAR: i32 = 2026;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn table_is_sorted_without_duplicates_and_valid() {
        for w in HOLIDAYS.windows(2) {
            let a = (w[0].0, w[0].1, w[0].2);
            let b = (w[1].0, w[1].1, w[1].2);
            assert!(a < b, "table not strictly sorted at {a:?} / {b:?}");
        }
        for &(y, m, day, ko, en) in HOLIDAYS {
            assert!((FIRST_YEAR..=LAST_YEAR).contains(&y), "{y} outside range");
            assert!(
                NaiveDate::from_ymd_opt(y, m, day).is_some(),
                "bad date {y}-{m}-{day}"
            );
            assert!(!ko.is_empty() && !en.is_empty());
        }
    }

    #[test]
    fn count_per_year() {
        let expected = [
            (2020, 18),
            (2021, 18),
            (2022, 19),
            (2023, 18),
            (2024, 19),
            (2025, 19),
            (2026, 21),
        ];
        for (year, n) in expected {
            let got = HOLIDAYS.iter().filter(|h| h.0 == year).count();
            assert_eq!(got, n, "holiday count for {year}");
        }
    }

    #[test]
    fn fixed_holidays_present_every_year() {
        for y in FIRST_YEAR..=LAST_YEAR {
            for (m, day) in [
                (1, 1),
                (3, 1),
                (5, 5),
                (6, 6),
                (8, 15),
                (10, 3),
                (10, 9),
                (12, 25),
            ] {
                assert!(is_public_holiday(d(y, m, day)), "{y}-{m}-{day} missing");
            }
        }
    }

    #[test]
    fn substitute_and_temporary_holidays_fall_on_weekdays() {
        for &(y, m, day, ko, _) in HOLIDAYS {
            if ko.starts_with("대체공휴일")
                || ko.starts_with("임시공휴일")
                || ko.ends_with("선거일")
            {
                let wd = d(y, m, day).weekday();
                assert!(
                    !matches!(wd, Weekday::Sat | Weekday::Sun),
                    "{ko} on {y}-{m}-{day} is {wd:?}"
                );
            }
        }
    }

    #[test]
    fn seollal_2024_with_substitute() {
        for day in 9..=12 {
            assert!(is_public_holiday(d(2024, 2, day)), "2024-02-{day}");
        }
        assert_eq!(holiday_name(d(2024, 2, 10)).unwrap().0, "설날");
        assert_eq!(holiday_name(d(2024, 2, 12)).unwrap().0, "대체공휴일(설날)");
        assert!(!is_public_holiday(d(2024, 2, 13)));
    }

    #[test]
    fn known_dates() {
        assert_eq!(holiday_name(d(2025, 10, 6)), Some(("추석", "Chuseok")));
        assert!(is_public_holiday(d(2024, 10, 1)));
        assert_eq!(
            holiday_name(d(2023, 5, 29)).unwrap().1,
            "Substitute holiday (Buddha's Birthday)"
        );
        assert!(is_public_holiday(d(2020, 8, 17)));
        assert!(is_public_holiday(d(2022, 3, 9)));
        assert!(is_public_holiday(d(2025, 6, 3)));
        assert!(is_public_holiday(d(2026, 6, 3)));
        // Rules not yet in force: no substitute for Christmas 2021 or Buddha's Birthday 2022.
        assert!(!is_public_holiday(d(2021, 12, 27)));
        assert!(!is_public_holiday(d(2022, 5, 9)));
        // 2025-10-10 was discussed but never designated.
        assert!(!is_public_holiday(d(2025, 10, 10)));
    }

    #[test]
    fn working_and_non_working_days() {
        // An ordinary Tuesday.
        let tue = d(2024, 3, 12);
        assert_eq!(tue.weekday(), Weekday::Tue);
        assert!(!is_public_holiday(tue));
        assert!(!is_non_working_day(tue));
        // Weekend without a holiday.
        assert!(is_non_working_day(d(2024, 3, 16)));
        assert!(!is_public_holiday(d(2024, 3, 16)));
        // Weekday holiday.
        assert!(is_non_working_day(d(2024, 10, 1)));
        // Outside the table: only weekends count.
        assert!(!is_public_holiday(d(2027, 1, 1)));
        assert!(!is_non_working_day(d(2019, 12, 24)));
        assert!(is_non_working_day(d(2027, 1, 2)));
    }
}
