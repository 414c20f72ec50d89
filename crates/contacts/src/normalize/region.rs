//! The default phone region from a locale: `fr_FR.UTF-8` → `FR`, `de-CH` → `CH`.
//!
//! A number written without a country code (`06 12 34 56 78`) can only be read with a region;
//! when the person gave none, the one their locale names is the best guess, and far better
//! than keeping every such number as written. The command line reads it from the POSIX
//! environment; the widget reads the visitor's languages with the same rule (`www/element.js`,
//! `regionFromLanguages`).

/// The region a locale names: the first subtag after the language that is two letters, upper
/// case. POSIX (`ll_CC.charset@modifier`) and BCP 47 (`ll-Script-CC`) forms are both read.
/// `None` when it names none: `C`, `POSIX`, `en`, `es-419` (a numeric area is no country).
pub fn region_from_locale(locale: &str) -> Option<String> {
    let name = locale.split(['.', '@']).next().unwrap_or_default();
    name.split(['-', '_'])
        .skip(1)
        .find(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(|part| part.to_ascii_uppercase())
}

/// The locale POSIX says applies, from `get(variable)`: the first of `LC_ALL`, `LC_MESSAGES`
/// and `LANG` that is set and not empty, with its variable's name.
pub fn locale_from_environment(
    get: impl Fn(&str) -> Option<String>,
) -> Option<(&'static str, String)> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|variable| Some((variable, get(variable).filter(|v| !v.is_empty())?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn regions_from_posix_and_bcp47_locales() {
        for (locale, region) in [
            ("fr_FR.UTF-8", Some("FR")),
            ("de_CH.utf8@euro", Some("CH")),
            ("en-GB", Some("GB")),
            ("zh-Hant-TW", Some("TW")),
            ("sr_RS@latin", Some("RS")),
            ("pt_br", Some("BR")),
            ("C", None),
            ("C.UTF-8", None),
            ("POSIX", None),
            ("en", None),
            ("es-419", None),
            ("", None),
        ] {
            assert_eq!(region_from_locale(locale).as_deref(), region, "{locale:?}");
        }
    }

    #[test]
    fn the_first_variable_set_wins_as_posix_says() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            locale_from_environment(env(&[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "de_DE")])),
            Some(("LC_ALL", "de_DE".to_string()))
        );
        assert_eq!(
            locale_from_environment(env(&[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "")])),
            Some(("LANG", "fr_FR.UTF-8".to_string()))
        );
        assert_eq!(locale_from_environment(env(&[])), None);
    }
}
