//! Nickname forms of given names, for the phone rule: "Bob" and "Robert" on one landline are
//! one person, "Bob" and "Rob" too (both are forms of Robert), "Bob" and "Tina" are not.
//!
//! A short table of our own, folded as `keys.rs` folds (lower case, no accents). The crate that
//! knows nicknames, `human_name`, keeps its table private behind its own whole-name parser and
//! comparison, and brings transliteration tables (`unidecode`) that `keys.rs` refuses for names
//! (they turn CJK names into Latin guesses) and that would weigh on the import engine's wasm.
//! The table lists common forms in the languages of the address books we see (English, German,
//! French, Spanish, Italian, Portuguese, Russian); a form it lacks only keeps two records apart,
//! flagged as possible duplicates, never merges strangers.

/// Each nickname form with the full names it is a form of (folded, sorted by form).
const FORMS: &[(&str, &[&str])] = &[
    ("abby", &["abigail"]),
    ("al", &["albert", "alfred", "alan", "alexander"]),
    ("alex", &["alexander", "alexandra", "alexis", "alejandro"]),
    ("andy", &["andrew", "andreas", "andrea"]),
    ("annie", &["ann", "anna", "anne"]),
    ("becky", &["rebecca"]),
    ("ben", &["benjamin", "benedict"]),
    ("beppe", &["giuseppe"]),
    ("bert", &["albert", "herbert", "robert", "bertram"]),
    ("beth", &["elizabeth", "bethany"]),
    ("betty", &["elizabeth"]),
    ("bill", &["william"]),
    ("billy", &["william"]),
    ("bob", &["robert"]),
    ("bobby", &["robert"]),
    ("cathy", &["catherine", "cathleen"]),
    ("charlie", &["charles", "charlotte"]),
    (
        "chris",
        &["christopher", "christian", "christine", "christina"],
    ),
    ("chuck", &["charles"]),
    ("dan", &["daniel"]),
    ("danny", &["daniel"]),
    ("dave", &["david"]),
    ("debbie", &["deborah"]),
    ("dick", &["richard"]),
    ("dima", &["dmitri", "dmitry"]),
    ("don", &["donald"]),
    ("drew", &["andrew"]),
    ("ed", &["edward", "edmund", "edwin"]),
    ("eddie", &["edward"]),
    ("fran", &["frances", "francis", "francesca"]),
    ("frank", &["francis", "franklin"]),
    ("franz", &["franziskus"]),
    ("franzi", &["franziska"]),
    ("fred", &["frederick", "alfred"]),
    ("freddie", &["frederick"]),
    ("fritz", &["friedrich"]),
    ("gabi", &["gabriele", "gabriela", "gabrielle"]),
    ("greg", &["gregory"]),
    ("hank", &["henry"]),
    ("hans", &["johannes"]),
    ("harry", &["henry", "harold"]),
    ("jack", &["john"]),
    ("jake", &["jacob"]),
    ("jamie", &["james"]),
    ("jan", &["johannes"]),
    ("jeff", &["jeffrey"]),
    ("jen", &["jennifer"]),
    ("jenny", &["jennifer"]),
    ("jerry", &["gerald", "jerome"]),
    ("jess", &["jessica"]),
    ("jim", &["james"]),
    ("jimmy", &["james"]),
    ("joe", &["joseph"]),
    ("joey", &["joseph"]),
    ("johnny", &["john"]),
    ("jon", &["jonathan", "john"]),
    ("jorg", &["georg"]),
    ("kate", &["katherine", "catherine", "kathryn"]),
    ("kathi", &["katharina"]),
    ("kathy", &["katherine", "kathryn"]),
    ("katie", &["katherine", "catherine", "kathryn"]),
    ("ken", &["kenneth"]),
    ("kolya", &["nikolai"]),
    ("larry", &["lawrence"]),
    ("lena", &["helena", "magdalena"]),
    ("leo", &["leonard", "leonardo", "leopold"]),
    ("lisa", &["elisabeth", "elizabeth"]),
    ("liz", &["elizabeth"]),
    ("lola", &["dolores"]),
    ("maggie", &["margaret"]),
    ("mandy", &["amanda"]),
    ("manu", &["emmanuel", "manuel", "manuela"]),
    ("masha", &["maria"]),
    ("matt", &["matthew"]),
    ("max", &["maximilian", "maxime", "maxwell"]),
    ("meg", &["margaret"]),
    ("mick", &["michael"]),
    ("mike", &["michael"]),
    ("misha", &["mikhail"]),
    ("nacho", &["ignacio"]),
    ("nat", &["natalie", "nathaniel"]),
    ("natasha", &["natalia"]),
    ("nick", &["nicholas", "nicolas"]),
    ("nico", &["nicolas", "nikolaus"]),
    ("paco", &["francisco"]),
    ("pam", &["pamela"]),
    ("pat", &["patrick", "patricia"]),
    ("patty", &["patricia"]),
    ("peggy", &["margaret"]),
    ("pepe", &["jose"]),
    ("pete", &["peter"]),
    ("phil", &["philip", "phillip"]),
    ("rich", &["richard"]),
    ("rick", &["richard"]),
    ("rob", &["robert"]),
    ("robbie", &["robert"]),
    ("ron", &["ronald"]),
    ("sally", &["sarah"]),
    ("sam", &["samuel", "samantha"]),
    ("sandy", &["sandra"]),
    ("sasha", &["alexander", "alexandra"]),
    ("sepp", &["josef"]),
    ("steve", &["steven", "stephen"]),
    ("sue", &["susan", "suzanne"]),
    ("susi", &["susanne"]),
    ("ted", &["edward", "theodore"]),
    ("theo", &["theodore", "theodor"]),
    ("tim", &["timothy"]),
    ("tom", &["thomas"]),
    ("tommy", &["thomas"]),
    ("toni", &["anton", "antonia"]),
    ("tony", &["anthony", "antonio"]),
    ("vanya", &["ivan"]),
    ("vicky", &["victoria"]),
    ("will", &["william"]),
    ("ze", &["jose"]),
];

/// The full names `form` is a nickname of (none when it is not in the table).
fn full_names(form: &str) -> &'static [&'static str] {
    FORMS
        .binary_search_by(|(nick, _)| (*nick).cmp(form))
        .ok()
        .and_then(|at| FORMS.get(at))
        .map_or(&[], |(_, names)| names)
}

/// True when two folded given-name tokens are forms of one name: equal, one a nickname of the
/// other, or both nicknames of the same name.
pub(crate) fn same_given(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (of_a, of_b) = (full_names(a), full_names(b));
    of_a.contains(&b) || of_b.contains(&a) || of_a.iter().any(|name| of_b.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_table_is_sorted_folded_and_has_no_form_that_is_its_own_name() {
        assert!(FORMS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (form, names) in FORMS {
            assert!(!names.is_empty() && !names.contains(form), "{form}");
            for text in std::iter::once(form).chain(names.iter()) {
                assert!(text.bytes().all(|b| b.is_ascii_lowercase()), "{text}");
            }
        }
    }

    #[test]
    fn forms_of_one_name_agree_and_others_do_not() {
        assert!(same_given("bob", "robert"));
        assert!(same_given("robert", "bob"));
        assert!(same_given("bob", "rob"));
        assert!(same_given("chris", "christina"));
        assert!(same_given("hugo", "hugo"));
        assert!(!same_given("bob", "tina"));
        assert!(!same_given("max", "hugo"));
        assert!(!same_given("christopher", "christina"));
        assert!(!same_given("unlisted", "other"));
    }
}
