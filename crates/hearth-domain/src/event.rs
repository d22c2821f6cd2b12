//! The envelope every event travels in, and the macro that declares each stream's events.

use std::fmt;

use crate::ids::{InvalidId, StaffId};
use crate::time::Timestamp;

/// Who recorded an event: a member of staff, or a named system process (an import, the
/// synthetic generator, the command line).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Actor {
    /// A member of staff.
    Staff(StaffId),
    /// A system process, named in lower case (`import`, `synth`, `cli`).
    System(String),
}

/// An actor string that is neither `staff/ID` nor `system/name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an author: use staff/STAFF_ID or system/name")]
pub struct InvalidActor(pub String);

impl Actor {
    /// A system actor; the name is 1 to 30 lower-case letters, digits or hyphens.
    pub fn system(name: &str) -> Result<Self, InvalidActor> {
        let ok = (1..=30).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Actor::System(name.to_owned()))
        } else {
            Err(InvalidActor(format!("system/{name}")))
        }
    }

    /// Parses `staff/ID` or `system/name`.
    pub fn parse(s: &str) -> Result<Self, InvalidActor> {
        match s.split_once('/') {
            Some(("staff", id)) => StaffId::parse(id)
                .map(Actor::Staff)
                .map_err(|_: InvalidId| InvalidActor(s.to_owned())),
            Some(("system", name)) => Actor::system(name).map_err(|_| InvalidActor(s.to_owned())),
            _ => Err(InvalidActor(s.to_owned())),
        }
    }

    /// The member of staff, if a person recorded it.
    pub fn staff(&self) -> Option<&StaffId> {
        match self {
            Actor::Staff(id) => Some(id),
            Actor::System(_) => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Staff(id) => write!(f, "staff/{id}"),
            Actor::System(name) => write!(f, "system/{name}"),
        }
    }
}

impl serde::Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Actor::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An event with who recorded it, when it happened and when it was recorded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded<E> {
    /// When the thing happened. Its date in England is the event's date.
    pub occurred_at: Timestamp,
    /// When it was written into the record.
    pub recorded_at: Timestamp,
    /// Who wrote it.
    pub recorded_by: Actor,
    /// What happened.
    pub event: E,
}

impl<E> Recorded<E> {
    /// The date the event happened on, in England.
    pub fn date(&self) -> chrono::NaiveDate {
        self.occurred_at.london_date()
    }
}

/// An event read back from the store, with its place in the stream and in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<E> {
    /// Position in the whole store (global, increasing with each commit).
    pub seq: i64,
    /// Position in the stream, from 1.
    pub version: u64,
    /// The event and its envelope.
    pub recorded: Recorded<E>,
}

/// Something every stream's event type can do: name its kind, and list the records it
/// refers to so they can be checked before the event is accepted.
pub trait EventKind {
    /// The stable snake_case name of this event's kind, as stored and exchanged.
    fn kind(&self) -> &'static str;
    /// Every kind of this stream, in declaration order.
    fn kinds() -> &'static [&'static str];
    /// Explains why a JSON event object does not parse, naming the field at fault
    /// (`details.ethnicity: ...`). Only used on the error path, where speed does not matter.
    fn diagnose(event: serde_json::Value) -> String;
}

/// Declares a stream's event enum: each variant is a struct variant with a stable kind name.
/// The enum is internally tagged by `type`, and unknown fields are refused. Exported so that
/// streams kept outside this crate (an audit's, say) serialise exactly as the record's do;
/// the crate using it needs `serde` and `serde_json`.
#[macro_export]
macro_rules! events {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $kind:literal { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(tag = "type", deny_unknown_fields)]
        #[allow(clippy::enum_variant_names)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $kind)]
                $variant { $( $(#[$fmeta])* $field : $ty ),* }
            ),+
        }

        impl $crate::event::EventKind for $name {
            fn kind(&self) -> &'static str {
                match self { $( $name::$variant { .. } => $kind ),+ }
            }
            fn kinds() -> &'static [&'static str] {
                &[ $($kind),+ ]
            }
            fn diagnose(event: ::serde_json::Value) -> String {
                // The same variants, externally tagged: serde buffers an internally tagged
                // enum's content and so loses the path to a bad field; this form keeps it.
                #[derive(::serde::Deserialize)]
                #[serde(deny_unknown_fields)]
                #[allow(dead_code, clippy::enum_variant_names)]
                enum Diagnose {
                    $(
                        #[serde(rename = $kind)]
                        $variant { $( $(#[$fmeta])* $field : $ty ),* }
                    ),+
                }
                $crate::event::diagnose_with::<Diagnose>(event)
            }
        }
    };
}

/// Re-reads an internally tagged event object as its externally tagged twin `T`, returning
/// where and why it fails.
#[doc(hidden)]
pub fn diagnose_with<T: serde::de::DeserializeOwned>(event: serde_json::Value) -> String {
    let serde_json::Value::Object(mut fields) = event else {
        return "an event must be a JSON object".to_owned();
    };
    let kind = match fields.remove("type") {
        Some(serde_json::Value::String(k)) => k,
        Some(_) => return "type: must be a string".to_owned(),
        None => return "missing field `type`".to_owned(),
    };
    let mut wrapped = serde_json::Map::new();
    wrapped.insert(kind, serde_json::Value::Object(fields));
    match serde_path_to_error::deserialize::<_, T>(serde_json::Value::Object(wrapped)) {
        Ok(_) => "the event does not fit its kind".to_owned(),
        Err(e) => {
            // The first path segment is the kind itself; the rest is the field.
            let path = e.path().to_string();
            let field = path.split_once('.').map(|(_, rest)| rest.to_owned());
            let message = e.into_inner().to_string();
            match field {
                Some(f) if !f.is_empty() => format!("{f}: {message}"),
                _ if message.starts_with("unknown variant") => format!("type: {message}"),
                _ => message,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_parse_and_print() {
        assert_eq!(Actor::parse("staff/SW1").unwrap().to_string(), "staff/SW1");
        assert_eq!(
            Actor::parse("system/import").unwrap(),
            Actor::System("import".into())
        );
        assert!(Actor::parse("system/Import!").is_err());
        assert!(Actor::parse("someone").is_err());
        assert!(Actor::parse("staff/").is_err());
    }
}
