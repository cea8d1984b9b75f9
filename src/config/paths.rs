use std::path::{Path, PathBuf};

/// The XDG locations wirepost reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// The standard locations for this user (`$XDG_CONFIG_HOME/wirepost`, ...).
    pub fn from_env() -> Paths {
        match directories::ProjectDirs::from("", "", "wirepost") {
            Some(dirs) => Paths {
                config_file: dirs.config_dir().join("config.toml"),
                data_dir: dirs.data_dir().to_path_buf(),
                state_dir: dirs
                    .state_dir()
                    .unwrap_or_else(|| dirs.data_local_dir())
                    .to_path_buf(),
            },
            // No home directory at all (a bare container): stay usable from
            // the working directory rather than refusing to start.
            None => Paths {
                config_file: PathBuf::from("wirepost.toml"),
                data_dir: PathBuf::from(".wirepost/data"),
                state_dir: PathBuf::from(".wirepost/state"),
            },
        }
    }

    /// The log file, under the state dir.
    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("wirepost.log")
    }
}

/// Expands a leading `~/` to the home directory.
pub fn expand_tilde(path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = directories::BaseDirs::new()
    {
        return home.home_dir().join(rest);
    }
    path.to_path_buf()
}
