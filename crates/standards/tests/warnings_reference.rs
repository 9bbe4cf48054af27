//! The built-in warning schemes equal the ones read from `../shared/reference/standards/warning_levels.csv`.

use standards::warnings::WarningScheme;

#[test]
fn built_in_schemes_match_the_reference_csv() {
    let Some(path) = testdata::shared("reference/standards/warning_levels.csv") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let schemes = WarningScheme::parse_csv(&text).unwrap();
    assert_eq!(schemes.len(), 2);
    assert!(
        schemes[0].name().starts_with("2018"),
        "{}",
        schemes[0].name()
    );
    assert_eq!(
        schemes[0].criteria(),
        WarningScheme::national_2018().criteria()
    );
    assert!(
        schemes[1].name().starts_with("2017"),
        "{}",
        schemes[1].name()
    );
    assert_eq!(schemes[1].criteria(), WarningScheme::mep_2017().criteria());
}
