use std::path::{Path, PathBuf};

/// A configuration problem, located in the file so the user can fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    Unlocated { path: PathBuf, message: String },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ConfigError {
    pub(super) fn from_toml(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
        let message = err.message().trim().to_string();
        match err.span() {
            Some(span) => ConfigError::at_offset(path, text, span.start, message),
            None => ConfigError::Unlocated {
                path: path.to_path_buf(),
                message,
            },
        }
    }

    pub(super) fn at_offset(path: &Path, text: &str, offset: usize, message: String) -> Self {
        let (line, column) = line_column(text, offset);
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    /// Locates `needle` in the text for a semantic error found after parsing;
    /// falls back to an unlocated error if it cannot be found.
    pub(super) fn at_text(path: &Path, text: &str, needle: &str, message: String) -> Self {
        match text.find(needle) {
            Some(offset) => ConfigError::at_offset(path, text, offset, message),
            None => ConfigError::Unlocated {
                path: path.to_path_buf(),
                message,
            },
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
