//! Typed identifiers. A child's id is the council's own child number, which the returns carry
//! as `LAchildID`/`CHILD`, so it follows their rule: 1 to 20 letters and digits.

use std::fmt;

/// An identifier that is not 1 to 20 ASCII letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {kind} id: use 1 to 20 letters and digits")]
pub struct InvalidId {
    /// What kind of record the id was for.
    pub kind: &'static str,
    /// The string that was offered.
    pub value: String,
}

fn valid_id(s: &str) -> bool {
    (1..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

macro_rules! record_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The kind of record, as used in stream names ("child", "staff", ...).
            pub const KIND: &'static str = $kind;

            /// Parses an id, refusing anything but 1 to 20 letters and digits.
            pub fn parse(s: &str) -> Result<Self, InvalidId> {
                if valid_id(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidId { kind: $kind, value: s.to_owned() })
                }
            }

            /// The id as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(::serde::de::Error::custom)
            }
        }
    };
}

record_id!(
    /// A child: the council's child number.
    ChildId,
    "child"
);
record_id!(
    /// A member of staff.
    StaffId,
    "staff"
);
record_id!(
    /// A team.
    TeamId,
    "team"
);
record_id!(
    /// An adult in a child's family or network.
    PersonId,
    "person"
);
record_id!(
    /// A professional from another agency (a GP, a school's safeguarding lead, ...).
    ProfessionalId,
    "professional"
);
record_id!(
    /// A family group, linking children and adults (Annex A's family identifier).
    FamilyId,
    "family"
);
record_id!(
    /// A prospective adopter household (Annex A List 11).
    AdopterId,
    "adopter"
);

/// Which kind of record a stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StreamKind {
    /// A child's record.
    Child,
    /// A member of staff.
    Staff,
    /// A team.
    Team,
    /// An adult in a family or network.
    Person,
    /// A professional from another agency.
    Professional,
    /// A prospective adopter household.
    Adopter,
    /// A case audit (`hearth-assurance`'s stream: the audit's id is its own, not a record's
    /// above). The interchange format does not carry audits yet.
    Audit,
    /// A worker's supervision file, under the worker's staff id.
    Supervision,
}

impl StreamKind {
    /// Every kind, in the order an interchange file must introduce them (teams before the
    /// staff in them, staff before the children they work with), and audits, which read
    /// them all, last.
    pub const ALL: [StreamKind; 8] = [
        StreamKind::Team,
        StreamKind::Staff,
        StreamKind::Professional,
        StreamKind::Person,
        StreamKind::Adopter,
        StreamKind::Child,
        StreamKind::Supervision,
        StreamKind::Audit,
    ];

    /// The name used in stream ids and interchange files.
    pub const fn as_str(self) -> &'static str {
        match self {
            StreamKind::Child => ChildId::KIND,
            StreamKind::Staff => StaffId::KIND,
            StreamKind::Team => TeamId::KIND,
            StreamKind::Person => PersonId::KIND,
            StreamKind::Professional => ProfessionalId::KIND,
            StreamKind::Adopter => AdopterId::KIND,
            StreamKind::Audit => "audit",
            StreamKind::Supervision => "supervision",
        }
    }

    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<StreamKind> {
        StreamKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for StreamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of one stream in the event store: its kind and the record's id, written
/// `kind/id` (for example `child/C0001234`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId {
    kind: StreamKind,
    id: String,
}

/// A stream id that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a stream id: expected kind/id, such as child/C0001234")]
pub struct InvalidStreamId(pub String);

impl StreamId {
    /// The stream of a child's record.
    pub fn child(id: &ChildId) -> Self {
        Self {
            kind: StreamKind::Child,
            id: id.0.clone(),
        }
    }
    /// The stream of a member of staff.
    pub fn staff(id: &StaffId) -> Self {
        Self {
            kind: StreamKind::Staff,
            id: id.0.clone(),
        }
    }
    /// The stream of a team.
    pub fn team(id: &TeamId) -> Self {
        Self {
            kind: StreamKind::Team,
            id: id.0.clone(),
        }
    }
    /// The stream of an adult in a network.
    pub fn person(id: &PersonId) -> Self {
        Self {
            kind: StreamKind::Person,
            id: id.0.clone(),
        }
    }
    /// The stream of a professional.
    pub fn professional(id: &ProfessionalId) -> Self {
        Self {
            kind: StreamKind::Professional,
            id: id.0.clone(),
        }
    }
    /// The stream of an adopter household.
    pub fn adopter(id: &AdopterId) -> Self {
        Self {
            kind: StreamKind::Adopter,
            id: id.0.clone(),
        }
    }

    /// The stream of a worker's supervision file.
    pub fn supervision(worker: &StaffId) -> Self {
        Self {
            kind: StreamKind::Supervision,
            id: worker.0.clone(),
        }
    }

    /// Builds a stream id from a kind and a raw id, checking the id.
    pub fn new(kind: StreamKind, id: &str) -> Result<Self, InvalidId> {
        if valid_id(id) {
            Ok(Self {
                kind,
                id: id.to_owned(),
            })
        } else {
            Err(InvalidId {
                kind: kind.as_str(),
                value: id.to_owned(),
            })
        }
    }

    /// Parses `kind/id`.
    pub fn parse(s: &str) -> Result<Self, InvalidStreamId> {
        let bad = || InvalidStreamId(s.to_owned());
        let (kind, id) = s.split_once('/').ok_or_else(bad)?;
        let kind = StreamKind::parse(kind).ok_or_else(bad)?;
        Self::new(kind, id).map_err(|_| bad())
    }

    /// The kind of record.
    pub fn kind(&self) -> StreamKind {
        self.kind
    }

    /// The record's id within its kind.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_letters_and_digits_only() {
        assert!(ChildId::parse("C0001234").is_ok());
        assert!(ChildId::parse("").is_err());
        assert!(ChildId::parse("C-1").is_err());
        assert!(ChildId::parse("A123456789012345678901").is_err());
        let err = StaffId::parse("a b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'a b' is not a valid staff id: use 1 to 20 letters and digits"
        );
    }

    #[test]
    fn stream_ids_round_trip() {
        let s = StreamId::child(&ChildId::parse("C1").unwrap());
        assert_eq!(s.to_string(), "child/C1");
        assert_eq!(StreamId::parse("child/C1").unwrap(), s);
        assert!(StreamId::parse("pet/C1").is_err());
        assert_eq!(
            StreamId::parse("audit/A1").unwrap().kind(),
            StreamKind::Audit
        );
        assert!(StreamId::parse("child/").is_err());
        assert!(StreamId::parse("child").is_err());
    }
}
