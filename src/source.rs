//! The sources a visitor imports from. A source has a kind, a label, an icon and a flow (the
//! screens it goes through); provider accounts slot in as [`SourceKind::Account`], whose flow
//! runs through the contact-picker server (the provider issue builds it).

/// Where contacts come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// Files the visitor drops or chooses: read in the browser, never uploaded.
    File,
    /// The phone's own contacts, through `navigator.contacts.select`.
    Device,
    /// An account at a provider (`gmail`, `yahoo`, `outlook`, ...), imported through the
    /// contact-picker server, which holds the provider secrets.
    Account(String),
}

/// The screens a source goes through before its contacts are imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// A drop zone and a file chooser.
    Files,
    /// The browser's own contact picker, opened straight from the menu (it needs the click).
    DevicePicker,
    /// Sign in or consent at the provider, through the server.
    Account,
}

/// Which picture a source shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    /// A document.
    File,
    /// A phone.
    Device,
    /// An envelope.
    Mail,
}

impl SourceKind {
    /// Reads a source's name as the host writes it in `sources`.
    pub fn parse(word: &str) -> SourceKind {
        match word.trim().to_ascii_lowercase().as_str() {
            "file" | "files" | "csv" | "vcard" | "upload" => SourceKind::File,
            "device" | "phone" | "contacts" => SourceKind::Device,
            other => SourceKind::Account(other.to_string()),
        }
    }

    /// The name events and callbacks report (`file`, `device`, `gmail`).
    pub fn id(&self) -> &str {
        match self {
            SourceKind::File => "file",
            SourceKind::Device => "device",
            SourceKind::Account(service) => service,
        }
    }

    /// The flow the source goes through.
    pub fn flow(&self) -> Flow {
        match self {
            SourceKind::File => Flow::Files,
            SourceKind::Device => Flow::DevicePicker,
            SourceKind::Account(_) => Flow::Account,
        }
    }

    /// The source's icon.
    pub fn icon(&self) -> Icon {
        match self {
            SourceKind::File => Icon::File,
            SourceKind::Device => Icon::Device,
            SourceKind::Account(_) => Icon::Mail,
        }
    }

    /// The provider's own name, for accounts (not translated: brand names).
    pub fn brand(&self) -> Option<&str> {
        let SourceKind::Account(service) = self else {
            return None;
        };
        Some(match service.as_str() {
            "gmail" | "google" => "Gmail",
            "yahoo" => "Yahoo Mail",
            "outlook" | "windowslive" | "hotmail" => "Outlook.com",
            "office365" => "Microsoft 365",
            "icloud" => "iCloud",
            "aol" => "AOL Mail",
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_kinds_and_back() {
        assert_eq!(SourceKind::parse("File"), SourceKind::File);
        assert_eq!(SourceKind::parse("device"), SourceKind::Device);
        let gmail = SourceKind::parse("gmail");
        assert_eq!(gmail, SourceKind::Account("gmail".into()));
        assert_eq!(gmail.id(), "gmail");
        assert_eq!(gmail.brand(), Some("Gmail"));
        assert_eq!(gmail.flow(), Flow::Account);
        assert_eq!(SourceKind::File.flow(), Flow::Files);
        assert_eq!(SourceKind::Device.icon(), Icon::Device);
    }
}
