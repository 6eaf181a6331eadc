//! A table of units of one level with their figures: what aggregation,
//! translation and point counting produce and every output renders.

/// A cell of an aggregated table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(f64),
    Text(String),
    Missing,
}

impl Value {
    pub fn num(&self) -> Option<f64> {
        match self {
            Value::Num(v) => Some(*v),
            _ => None,
        }
    }
}

/// One aggregated table: the units of one target level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelTable {
    /// `bzr`, `pgr`, `bez`, `berlin`, `sozialraum`, …
    pub level: String,
    pub keys: Vec<String>,
    pub names: Vec<String>,
    /// Output column names (the input columns that are not dropped).
    pub columns: Vec<String>,
    /// `rows[i][j]`: unit `i`, column `j`.
    pub rows: Vec<Vec<Value>>,
}

impl LevelTable {
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The value of `column` for unit `key`.
    pub fn get(&self, key: &str, column: &str) -> Option<&Value> {
        let j = self.column_index(column)?;
        let i = self.keys.iter().position(|k| k == key)?;
        Some(&self.rows[i][j])
    }

    /// Numeric value of `column` for unit `key`.
    pub fn num(&self, key: &str, column: &str) -> Option<f64> {
        self.get(key, column).and_then(Value::num)
    }
}
