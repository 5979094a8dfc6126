//! A plain-text table with aligned columns, printed by every benchmark group.

use std::fmt;

/// One benchmark group's results.
pub struct Table {
    /// Heading line.
    pub title: String,
    /// Column headers.
    pub headers: Vec<&'static str>,
    /// Rows of cells, one per header.
    pub rows: Vec<Vec<String>>,
    /// Lines printed under the table (what the columns mean).
    pub notes: Vec<String>,
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| self.rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).chain([self.headers[i].len()]).max().unwrap_or(0))
            .collect();
        let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
            let padded: Vec<String> = cells.zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            format!("| {} |", padded.join(" | "))
        };
        writeln!(f, "## {}", self.title)?;
        writeln!(f, "{}", line(&mut self.headers.iter().copied()))?;
        writeln!(f, "{}", line(&mut widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str)))?;
        for row in &self.rows {
            writeln!(f, "{}", line(&mut row.iter().map(String::as_str)))?;
        }
        for note in &self.notes {
            writeln!(f, "{note}")?;
        }
        Ok(())
    }
}
