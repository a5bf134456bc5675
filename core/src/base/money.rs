//! Amounts are whole cents everywhere; this is the one place they become text.

/// The currencies an organization can be billed in: ISO code and symbol.
pub const CURRENCIES: [(&str, &str); 6] = [
    ("USD", "$"),
    ("CAD", "CA$"),
    ("AUD", "A$"),
    ("EUR", "€"),
    ("GBP", "£"),
    ("CHF", "CHF "),
];

/// "$1,308.00", "-€32.05": the amount in the organization's currency.
pub fn format_money(cents: i64, currency: &str) -> String {
    let symbol = CURRENCIES
        .iter()
        .find(|(code, _)| *code == currency)
        .map_or("$", |(_, s)| s);
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let dollars = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{symbol}{grouped}.{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::format_money;

    fn format_cents(cents: i64) -> String {
        format_money(cents, "USD")
    }

    #[test]
    fn formats_dollars_with_separators_and_sign() {
        assert_eq!(format_cents(0), "$0.00");
        assert_eq!(format_cents(3200), "$32.00");
        assert_eq!(format_cents(130_800), "$1,308.00");
        assert_eq!(format_cents(-3205), "-$32.05");
        assert_eq!(format_cents(123_456_789), "$1,234,567.89");
        assert_eq!(format_money(-3205, "EUR"), "-€32.05");
        assert_eq!(format_money(100, "CHF"), "CHF 1.00");
    }
}
