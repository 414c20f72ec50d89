//! Columns: what each CSV column means, from its header name (Google legacy and current,
//! Outlook in English, German, French and Spanish, Thunderbird, Constant Contact, and generic
//! names), or from its content when the file has no header row.
//!
//! Header names are compared by their "key": lower-cased letters and digits only, so
//! `E-mail 1 - Type`, `e-mail 1 type` and `EMAIL1TYPE` are the same column.

/// A group of columns that together make one e-mail, phone or address (`E-mail 1 - Type` and
/// `E-mail 1 - Value`; `Business Street` and `Business City`). An index into
/// [`Columns::slots`].
pub type Slot = usize;

/// The parts of a postal address a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPart {
    /// The source's label for the address (Google `Address 1 - Type`).
    Label,
    /// The whole address in one cell (Google `Address 1 - Formatted`); used only when the
    /// address has no street, city or code of its own.
    Formatted,
    /// A street line (street, street 2 and 3, PO box, extended address).
    Street,
    /// City.
    Locality,
    /// State, province, region.
    Region,
    /// Postal or ZIP code.
    PostalCode,
    /// Country.
    Country,
}

/// What one column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The full name to display.
    Display,
    /// Given name.
    Given,
    /// Middle name.
    Middle,
    /// Family name.
    Family,
    /// Honorific prefix (Outlook's `Title` is this, not the job title).
    Prefix,
    /// Honorific suffix.
    Suffix,
    /// Nickname.
    Nickname,
    /// Company.
    Organization,
    /// Job title.
    JobTitle,
    /// Department.
    Department,
    /// Birthday as one value.
    Birthday,
    /// Thunderbird's birthday in three columns.
    BirthYear,
    /// Birth month.
    BirthMonth,
    /// Birth day.
    BirthDay,
    /// Notes.
    Notes,
    /// A photo URL (Google's `Photo`).
    Photo,
    /// Groups, categories or labels (" ::: " or ";" separated).
    Groups,
    /// E-mail address(es) of a slot (" ::: " separated).
    Email(Slot),
    /// The source's label for a slot's e-mail(s).
    EmailLabel(Slot),
    /// Phone number(s) of a slot.
    Phone(Slot),
    /// The source's label for a slot's phone(s).
    PhoneLabel(Slot),
    /// A part of a slot's address.
    Address(Slot, AddressPart),
    /// Derived or noise columns we drop (Outlook's `E-mail Type` "SMTP", `E-mail Display Name`
    /// which repeats the name and address, `Priority`, `Sensitivity`, `Private`).
    Ignore,
    /// Anything else: kept in `extra` under the header name.
    Extra,
}

/// The meaning of every column, and the slots they refer to.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// One per column, in column order.
    pub fields: Vec<Field>,
    /// The header name of every column (`Column N` when there was no header).
    pub names: Vec<String>,
    /// Per slot: the label to use when the row gives none (the column header for Outlook-like
    /// layouts, e.g. "Business Phone"; `None` for Google, whose label is a column of its own).
    pub slots: Vec<SlotInfo>,
}

/// One e-mail, phone or address slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotInfo {
    /// Identifies the slot among the columns of the header (`phone:google:1`, `address:work`).
    pub key: String,
    /// The label when the row gives none.
    pub default_label: Option<String>,
    /// E-mails in a "Primary Email" or first Outlook e-mail column are the primary address.
    pub primary: bool,
}

impl Columns {
    /// Maps a header row.
    pub fn from_header(header: &[String]) -> Columns {
        let mut columns = Columns::default();
        for name in header {
            let field = columns.recognize(name).unwrap_or(Field::Extra);
            columns.fields.push(field);
            columns.names.push(name.clone());
        }
        columns
    }

    /// Maps the columns of a file without a header row from the content of its first row: an
    /// e-mail-shaped cell is an e-mail, a phone-shaped one a phone, the first other text the
    /// display name (followed by given and family names when they add up to it, as in
    /// Thunderbird's header-less export); the rest are kept as `Column N`.
    pub fn from_content(first: &[String]) -> Columns {
        let mut columns = Columns::default();
        let mut have_name = false;
        let mut i = 0;
        while i < first.len() {
            let cell = first.get(i).map(String::as_str).unwrap_or("");
            let name = format!("Column {}", i + 1);
            let field = if looks_like_email(cell) {
                Field::Email(columns.slot(&format!("email:{i}"), None, false))
            } else if looks_like_phone(cell) {
                Field::Phone(columns.slot(&format!("phone:{i}"), None, false))
            } else if !have_name && !cell.is_empty() {
                have_name = true;
                let given = first.get(i + 1).map(String::as_str).unwrap_or("");
                let family = first.get(i + 2).map(String::as_str).unwrap_or("");
                if !given.is_empty() && !family.is_empty() && format!("{given} {family}") == cell {
                    columns.fields.push(Field::Display);
                    columns.names.push(name);
                    columns.fields.push(Field::Given);
                    columns.names.push(format!("Column {}", i + 2));
                    columns.fields.push(Field::Family);
                    columns.names.push(format!("Column {}", i + 3));
                    i += 3;
                    continue;
                }
                Field::Display
            } else {
                Field::Extra
            };
            columns.fields.push(field);
            columns.names.push(name);
            i += 1;
        }
        columns
    }

    /// Columns with an unknown name whose cell in `row` (the first data row) is e-mail-shaped
    /// hold e-mail addresses.
    pub fn adopt_email_columns(&mut self, row: &[String]) {
        for index in 0..self.fields.len() {
            let is_email = row.get(index).is_some_and(|cell| looks_like_email(cell));
            if is_email && self.fields.get(index) == Some(&Field::Extra) {
                let label = self.names.get(index).cloned().unwrap_or_default();
                let slot = self.slot(&format!("email:column:{index}"), Some(&label), false);
                if let Some(field) = self.fields.get_mut(index) {
                    *field = Field::Email(slot);
                }
            }
        }
    }

    /// What column `index` holds (columns beyond the header are `extra`).
    pub fn field(&self, index: usize) -> Field {
        self.fields.get(index).copied().unwrap_or(Field::Extra)
    }

    /// The key for `extra` of column `index`.
    pub fn name(&self, index: usize) -> String {
        match self.names.get(index) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("Column {}", index + 1),
        }
    }

    /// How many header names are recognized (not `Extra`).
    pub fn recognized(&self) -> usize {
        self.fields.iter().filter(|f| **f != Field::Extra).count()
    }

    fn slot(&mut self, key: &str, default_label: Option<&str>, primary: bool) -> Slot {
        if let Some(index) = self.slots.iter().position(|s| s.key == key) {
            return index;
        }
        self.slots.push(SlotInfo {
            key: key.to_string(),
            default_label: default_label.map(str::to_string),
            primary,
        });
        self.slots.len() - 1
    }

    /// The field a header name stands for, if we know it.
    fn recognize(&mut self, header: &str) -> Option<Field> {
        let key = header_key(header);
        if key.is_empty() {
            return None;
        }
        // Thunderbird's "Birth Day" has the same key as "Birthday".
        if header.trim().eq_ignore_ascii_case("birth day") {
            return Some(Field::BirthDay);
        }
        if let Some(field) = fixed_field(&key) {
            return Some(field);
        }
        if let Some(field) = self.numbered(header, &key) {
            return Some(field);
        }
        if let Some(field) = self.labelled(header, &key) {
            return Some(field);
        }
        self.generic(header, &key)
    }

    /// Google's numbered groups: `E-mail 1 - Type/Label/Value`, `Phone 2 - ...`,
    /// `Address 1 - Street`, `Organization 1 - Name`; Outlook's `E-mail 2 Address`, German
    /// `E-Mail 2: Adresse`, French `Adresse de messagerie 2`.
    fn numbered(&mut self, header: &str, key: &str) -> Option<Field> {
        let (stem, number, part) = split_number(key)?;
        // Google writes "E-mail 1 - Type"; Outlook's "E-mail 2 Type" is "SMTP", not a label.
        let google_style = header.contains(" - ");
        let google = |kind: &str| format!("{kind}:google:{number}");
        Some(match (stem, part) {
            ("email", "type" | "label") if google_style => {
                Field::EmailLabel(self.slot(&google("email"), None, false))
            }
            ("email", "value") => Field::Email(self.slot(&google("email"), None, false)),
            ("phone", "type" | "label") if google_style => {
                Field::PhoneLabel(self.slot(&google("phone"), None, false))
            }
            ("phone", "value") => Field::Phone(self.slot(&google("phone"), None, false)),
            ("address", part) => {
                let slot = self.slot(&google("address"), None, false);
                let part = match part {
                    "type" | "label" => AddressPart::Label,
                    "formatted" => AddressPart::Formatted,
                    "street" | "pobox" | "extendedaddress" => AddressPart::Street,
                    "city" => AddressPart::Locality,
                    "region" => AddressPart::Region,
                    "postalcode" => AddressPart::PostalCode,
                    "country" => AddressPart::Country,
                    _ => return Some(Field::Extra),
                };
                Field::Address(slot, part)
            }
            ("organization", "name") if number == 1 => Field::Organization,
            ("organization", "title") if number == 1 => Field::JobTitle,
            ("organization", "department") if number == 1 => Field::Department,
            // Outlook English, German, French: "E-mail 2 Address", "E-Mail 2: Adresse".
            ("email", "address" | "adresse") | ("adressedemessagerie", "") => {
                let label = format!("E-mail {number}");
                Field::Email(self.slot(&format!("email:outlook:{number}"), Some(&label), false))
            }
            ("email", "type" | "typ" | "displayname" | "angezeigtername") => Field::Ignore,
            // Other parts of a known numbered group ("Organization 1 - Symbol").
            _ => Field::Extra,
        })
    }

    /// Fixed-layout columns whose header says the label: Outlook (`Business Phone`,
    /// `Home Street`), Thunderbird (`Work Phone`, `Home Address 2`), roundcube (`Email Work`),
    /// German Outlook (`Telefon geschäftlich`, `Straße privat`), Constant Contact (`WORK PHONE`,
    /// `ADDRESS LINE 1`).
    fn labelled(&mut self, header: &str, key: &str) -> Option<Field> {
        let label = header.trim();
        // E-mails.
        let email_first = matches!(
            key,
            "emailaddress"
                | "primaryemail"
                | "emailadresse"
                | "adressedemessagerie"
                | "direcciondecorreoelectronico"
                | "direccióndecorreoelectrónico"
        );
        if email_first {
            return Some(Field::Email(self.slot(
                "email:outlook:1",
                Some(label),
                true,
            )));
        }
        if matches!(
            key,
            "secondaryemail" | "emailhome" | "emailwork" | "emailother"
        ) {
            return Some(Field::Email(self.slot(
                &format!("email:{key}"),
                Some(label),
                false,
            )));
        }
        // Addresses: "<place> <part>" or "<part> <place>" (German: "Ort geschäftlich").
        if let Some((place, part)) = address_column(key) {
            let label = (!place.is_empty()).then_some(place);
            let slot = self.slot(&format!("address:{place}"), label, false);
            return Some(Field::Address(slot, part));
        }
        // Phones, one column per labelled number.
        if is_phone_header(key) {
            let slot = self.slot(&format!("phone:{key}"), Some(label), false);
            return Some(Field::Phone(slot));
        }
        None
    }

    /// Names no exporter in particular uses: `Full Name`, `Work E-mail`, `Tel`, `Company`...
    /// Matched by whole words (or two adjacent words run together), so that
    /// "Organizational ID Number" is not an organization.
    fn generic(&mut self, header: &str, key: &str) -> Option<Field> {
        let lower = header.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut candidates: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        candidates.extend(words.windows(2).map(|pair| pair.concat()));
        if candidates.iter().any(|c| c == "yomi" || c == "phonetic") {
            return None;
        }
        let has = |terms: &[&str]| candidates.iter().any(|c| terms.contains(&c.as_str()));
        let label = header.trim();
        let address = |columns: &mut Columns, part| {
            Field::Address(columns.slot("address:", None, false), part)
        };
        Some(
            if has(&[
                "firstname",
                "givenname",
                "forename",
                "vorname",
                "prenom",
                "prénom",
            ]) {
                Field::Given
            } else if has(&["lastname", "surname", "familyname", "nachname", "apellidos"]) {
                Field::Family
            } else if has(&["middlename"]) {
                Field::Middle
            } else if has(&["nickname", "spitzname"]) {
                Field::Nickname
            } else if has(&["email", "mail", "correo", "courriel"]) {
                Field::Email(self.slot(&format!("email:{key}"), Some(label), false))
            } else if has(&[
                "phone",
                "mobile",
                "cell",
                "telefon",
                "telephone",
                "téléphone",
                "fax",
                "tel",
            ]) {
                Field::Phone(self.slot(&format!("phone:{key}"), Some(label), false))
            } else if has(&["fullname", "displayname", "contactname", "name"]) {
                Field::Display
            } else if has(&[
                "company",
                "organization",
                "organisation",
                "employer",
                "firma",
            ]) {
                Field::Organization
            } else if has(&["jobtitle", "position"]) {
                Field::JobTitle
            } else if has(&["department", "abteilung"]) {
                Field::Department
            } else if has(&["birthday", "dateofbirth", "geburtstag", "dob"]) {
                Field::Birthday
            } else if has(&["note", "notes", "notiz", "comment", "comments"]) {
                Field::Notes
            } else if has(&[
                "group",
                "groups",
                "category",
                "categories",
                "tags",
                "labels",
            ]) {
                Field::Groups
            } else if has(&["street", "strasse", "straße", "address"]) {
                address(self, AddressPart::Street)
            } else if has(&["city", "town"]) {
                address(self, AddressPart::Locality)
            } else if has(&["zip", "zipcode", "postcode", "postalcode"]) {
                address(self, AddressPart::PostalCode)
            } else if has(&["state", "province", "region"]) {
                address(self, AddressPart::Region)
            } else if has(&["country"]) {
                address(self, AddressPart::Country)
            } else {
                return None;
            },
        )
    }
}

/// Columns every exporter names the same way (by key).
fn fixed_field(key: &str) -> Option<Field> {
    Some(match key {
        "name" | "displayname" | "fullname" | "anzeigename" | "nomcomplet" => Field::Display,
        "givenname" | "firstname" | "vorname" | "prenom" | "prénom" | "nombre" => Field::Given,
        "additionalname" | "middlename" | "weiterevornamen" | "deuxiemeprenom"
        | "deuxièmeprénom" | "segundonombre" => Field::Middle,
        "familyname" | "lastname" | "nachname" | "nom" | "apellidos" | "apellido" => Field::Family,
        "nameprefix" | "title" | "anrede" | "titre" | "tratamiento" | "prefix" => Field::Prefix,
        "namesuffix" | "suffix" | "suffixe" | "sufijo" => Field::Suffix,
        "nickname" | "spitzname" | "surnom" => Field::Nickname,
        "company" | "companyname" | "organization" | "organizationname" | "organisation"
        | "firma" | "société" | "societe" | "organización" | "organizacion" | "compañía"
        | "compania" | "empresa" => Field::Organization,
        "jobtitle" | "organizationtitle" | "position" | "fonction" | "puesto" | "cargo" => {
            Field::JobTitle
        }
        "department" | "organizationdepartment" | "abteilung" | "service" | "departamento" => {
            Field::Department
        }
        "birthday" | "geburtstag" | "anniversaire" | "cumpleaños" | "cumpleanos" => {
            Field::Birthday
        }
        "birthyear" => Field::BirthYear,
        "birthmonth" => Field::BirthMonth,
        "notes" | "note" | "notizen" | "notas" => Field::Notes,
        "photo" => Field::Photo,
        "groupmembership" | "labels" | "categories" | "kategorien" | "catégories"
        | "categorias" | "categorías" => Field::Groups,
        "emailtype"
        | "emailtyp"
        | "emaildisplayname"
        | "emailangezeigtername"
        | "priority"
        | "priorität"
        | "sensitivity"
        | "vertraulichkeit"
        | "private"
        | "privat" => Field::Ignore,
        // Constant Contact's ZIP+4 extension: not a postal code of its own.
        "subpostalcode" => Field::Extra,
        _ => return None,
    })
}

/// Splits a numbered key (`email1value`, `email2address`, `adressedemessagerie2`) into stem,
/// number and the part after the number.
fn split_number(key: &str) -> Option<(&str, u32, &str)> {
    let start = key.find(|c: char| c.is_ascii_digit())?;
    let digits = key
        .get(start..)?
        .find(|c: char| !c.is_ascii_digit())
        .map_or(key.len(), |n| start + n);
    let number: u32 = key.get(start..digits)?.parse().ok()?;
    let stem = key.get(..start)?;
    let part = key.get(digits..)?;
    let stem = match stem {
        "email" | "phone" | "address" | "organization" | "adressedemessagerie" => stem,
        _ => return None,
    };
    Some((stem, number, part))
}

/// Recognizes address columns with the place in the name, returns (place, part).
fn address_column(key: &str) -> Option<(&'static str, AddressPart)> {
    const PLACES: [(&str, &str); 9] = [
        ("business", "work"),
        ("work", "work"),
        ("home", "home"),
        ("other", "other"),
        ("geschäftlich", "work"),
        ("geschaftlich", "work"),
        ("privat", "home"),
        ("weitere", "other"),
        ("weiterer", "other"),
    ];
    // Constant Contact and generic "ADDRESS LINE 1".
    if let Some(rest) = key.strip_prefix("addressline") {
        if rest.chars().all(|c| c.is_ascii_digit()) {
            return Some(("", AddressPart::Street));
        }
    }
    if matches!(key, "stateprovinceuscanada") {
        return Some(("", AddressPart::Region));
    }
    let (place, rest) = PLACES.iter().find_map(|(word, place)| {
        key.strip_prefix(word)
            .or_else(|| key.strip_suffix(word))
            .map(|rest| (*place, rest))
    })?;
    let part = match rest {
        "street" | "street2" | "street3" | "address" | "address2" | "address3" | "addresspobox"
        | "straße" | "strasse" | "straße2" | "straße3" => AddressPart::Street,
        "city" | "ort" => AddressPart::Locality,
        "state" | "region" | "bundeslandkanton" | "bundesland" => AddressPart::Region,
        "postalcode" | "zipcode" | "zip" | "postleitzahl" => AddressPart::PostalCode,
        "country" | "countryregion" | "landregion" | "land" => AddressPart::Country,
        _ => return None,
    };
    Some((place, part))
}

/// Phone columns named by their label (Outlook, Thunderbird, German Outlook).
fn is_phone_header(key: &str) -> bool {
    key.contains("phone")
        || key.contains("telefon")
        || key.contains("fax")
        || key.contains("pager")
        || key.contains("mobil")
        || matches!(
            key,
            "mobilenumber"
                | "pagernumber"
                | "faxnumber"
                | "callback"
                | "isdn"
                | "telex"
                | "homemobile"
        )
}

/// Lower-cased letters and digits only (`E-mail 1 - Type` → `email1type`).
pub fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every " ::: "-separated part contains an `@` between other characters and no whitespace.
pub fn looks_like_email(cell: &str) -> bool {
    !cell.is_empty()
        && cell.split(" ::: ").all(|part| {
            let part = part.trim();
            match part.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty() && !domain.is_empty() && !part.contains(char::is_whitespace)
                }
                None => false,
            }
        })
}

/// At least 7 digits and nothing but digits, spaces and `+-().\/`, and not a date.
pub fn looks_like_phone(cell: &str) -> bool {
    let digits = cell.chars().filter(char::is_ascii_digit).count();
    digits >= 7
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().\\/".contains(c))
        && !looks_like_date(cell)
}

/// Three groups of at most 4 digits separated by `.` `/` or `-` (`24.12.1980`, `0/0/00`).
pub fn looks_like_date(cell: &str) -> bool {
    let groups: Vec<&str> = cell.split(['.', '/', '-']).collect();
    groups.len() == 3
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.len() <= 4 && g.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn map(headers: &[&str]) -> Columns {
        let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        Columns::from_header(&header)
    }

    #[test]
    fn keys_ignore_case_spacing_and_punctuation() {
        assert_eq!(header_key("E-mail 1 - Type"), "email1type");
        assert_eq!(header_key("Straße geschäftlich"), "straßegeschäftlich");
        assert_eq!(
            header_key("STATE/PROVINCE (US/CANADA)"),
            "stateprovinceuscanada"
        );
    }

    #[test]
    fn google_slots_pair_labels_with_values() {
        let columns = map(&[
            "E-mail 1 - Type",
            "E-mail 1 - Value",
            "Phone 1 - Label",
            "Phone 1 - Value",
        ]);
        assert_eq!(columns.fields[0], Field::EmailLabel(0));
        assert_eq!(columns.fields[1], Field::Email(0));
        assert_eq!(columns.fields[2], Field::PhoneLabel(1));
        assert_eq!(columns.fields[3], Field::Phone(1));
    }

    #[test]
    fn outlook_and_german_addresses_share_a_slot_per_place() {
        let columns = map(&[
            "Business Street",
            "Business City",
            "Work City",
            "Ort geschäftlich",
            "Home Street",
        ]);
        let slot = |i: usize| match columns.fields[i] {
            Field::Address(slot, _) => slot,
            other => panic!("{other:?}"),
        };
        assert_eq!(slot(0), slot(1));
        assert_eq!(slot(1), slot(2));
        assert_eq!(slot(2), slot(3));
        assert_ne!(slot(0), slot(4));
    }

    #[test]
    fn generic_names() {
        let columns = map(&["Full Name", "Mail", "Tel", "Company", "Shoe size"]);
        assert_eq!(columns.fields[0], Field::Display);
        assert!(matches!(columns.fields[1], Field::Email(_)));
        assert!(matches!(columns.fields[2], Field::Phone(_)));
        assert_eq!(columns.fields[3], Field::Organization);
        assert_eq!(columns.fields[4], Field::Extra);
    }

    #[test]
    fn shapes() {
        assert!(looks_like_email("a@b.c ::: d@e"));
        assert!(!looks_like_email("E-mail Address"));
        assert!(looks_like_phone("+44 20 7946 0000"));
        assert!(!looks_like_phone("24.12.1980"));
        assert!(!looks_like_phone("1815"));
    }
}
