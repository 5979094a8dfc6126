//! Whole-file writes that readers never see half done: temp file, then rename.

use super::Storage;
use std::io;
use std::path::Path;

impl Storage {
    /// Writes `bytes` to `dest` through a temp file and a rename.
    pub(super) async fn write_atomic(&self, dest: &Path, bytes: &[u8]) -> io::Result<()> {
        let temp = self.temp_path()?;
        let result = async {
            tokio::fs::write(&temp, bytes).await?;
            tokio::fs::rename(&temp, dest).await
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        result
    }
}
