//! Fixed vocabularies for data files: the words a ruleset, an audit template or a scorecard
//! may use, each a name in code, so a file that uses a word not listed is refused when it is
//! read rather than met as a string later.

/// Declares a vocabulary: an enum whose values are written in data files as fixed names,
/// with the list of every value and name, a lookup that refuses an unknown name, and serde
/// impls by name (an unknown name's error lists the names known). The crate using it needs
/// `serde`.
#[macro_export]
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $($name::$variant),+ ];

            /// The name used in data files.
            pub const fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Looks a name up.
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Every name, for error messages.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                $name::from_name(&s).ok_or_else(|| {
                    ::serde::de::Error::custom(format!(
                        "`{s}` is not known (expected one of {})",
                        $name::names()
                    ))
                })
            }
        }
    };
}
