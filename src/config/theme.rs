use serde::{Deserialize, Deserializer};

/// Colours of the interface. Each is a name (`red`, `lightblue`, `gray`,
/// `reset`), `#rrggbb`, or a 256-colour index (`"42"`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    pub accent: Option<ColorSpec>,
    pub tab_active: Option<ColorSpec>,
    pub status_bg: Option<ColorSpec>,
    pub status_fg: Option<ColorSpec>,
    pub error: Option<ColorSpec>,
    pub warning: Option<ColorSpec>,
    pub dim: Option<ColorSpec>,
    pub selection_bg: Option<ColorSpec>,
}

/// A validated colour, kept as text so this module needs no UI types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColorSpec(pub String);

pub const COLOR_NAMES: &[&str] = &[
    "reset",
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

impl ColorSpec {
    fn is_valid(s: &str) -> bool {
        let lower = s.to_ascii_lowercase();
        if COLOR_NAMES.contains(&lower.as_str()) {
            return true;
        }
        if let Some(hex) = s.strip_prefix('#') {
            return hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
        }
        s.parse::<u8>().is_ok()
    }
}

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if ColorSpec::is_valid(&s) {
            Ok(ColorSpec(s.to_ascii_lowercase()))
        } else {
            Err(serde::de::Error::custom(format!(
                "\"{s}\" is not a colour: use a name ({}), #rrggbb, or 0-255",
                COLOR_NAMES.join(", ")
            )))
        }
    }
}
