//! Derived columns: arithmetic over the columns of a statistics table.
//!
//! Grammar (whitespace is free between tokens):
//!
//! ```text
//! spec    := NAME '=' expr            (--add; --ratio as below)
//! expr    := term (('+' | '-') term)*
//! term    := factor (('*' | '/') factor)*
//! factor  := '-' factor | '(' expr ')' | NUMBER | column
//! column  := IDENT | '"' any text but '"' '"' | '`' any text but '`' '`'
//! IDENT   := a letter or '_', then letters, digits, '_' and '.'
//! NUMBER  := digits ['.' digits]      (a decimal point, never a comma)
//! ```
//!
//! `*` and `/` bind tighter than `+` and `-`; operators of the same kind go
//! from left to right. A `+` or `-` beside a `/` without parentheses
//! (`a+b/c*100`) is refused as ambiguous: a planner who writes it mostly
//! means the share of the sum, `(a+b)/c*100`, which older `lor map` read it
//! as, while the usual rule reads `a + (b/c*100)`. The parentheses say which
//! (`(a+b)/c*100` or `a+(b/c*100)`); `a+b*2` and `a/b*100` need none. One
//! parser, one rule, for `--add`, `--ratio` and the shares of `lor map` and
//! `lor report` ([`parse_share`]).
//!
//! A ratio (`--ratio NAME=EXPR`) must be a division at the top level:
//! `N / D`, `N / D * F`, `F * N / D` or `N / D %` (= `* 100`), where `N`
//! and `D` are any expressions and `F` a number. The numerator and the
//! denominator are summed over the members of a unit and then divided, so
//! `(E_E65U80+E_E80U110)/E_E*100` gives the share of people 65 and over in
//! every BZR, Bezirk and Sozialraum. Without the parentheses the top level
//! is a sum, which is not a ratio: an error.
//!
//! Missing values (empty cells, markers such as `.`): with `--missing
//! propagate` any missing operand makes the result missing; with `--missing
//! skip` a missing term of a sum or difference counts as 0 (the result is
//! missing only if all its terms are), while products and quotients stay
//! missing. A division by zero gives a missing value and a warning.

use std::fmt::Write as _;

use anyhow::Result;

use crate::aggregation::aggregate::MissingPolicy;
use crate::error::{examples, usage_error, Warnings};
use crate::table::stats::{Cell, Column, ColumnType, StatTable};
use crate::text::format_f64;

/// A parsed expression; columns are resolved names of the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    Col(String),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// An expression with the column names as written and where they are.
#[derive(Debug, Clone, PartialEq)]
enum Ast {
    Num(f64),
    /// (name, byte offset in the text, length in chars)
    Col(String, usize, usize),
    Neg(Box<Ast>),
    Bin(Op, Box<Ast>, Box<Ast>),
}

/// A syntax or name error at a position of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub message: String,
    /// Char position in the text (0-based).
    pub pos: usize,
    pub len: usize,
}

impl ExprError {
    /// The message with the text and a caret under the position.
    pub fn render(&self, flag: &str, text: &str) -> String {
        let mut s = format!(
            "{flag} '{text}': {} (at character {}):\n    {text}\n    ",
            self.message,
            self.pos + 1
        );
        let _ = write!(s, "{}{}", " ".repeat(self.pos), "^".repeat(self.len.max(1)));
        s
    }
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    /// Offset of the expression in the whole flag value (after `NAME=`).
    base: usize,
    _text: &'a str,
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>, pos: usize, len: usize) -> ExprError {
        ExprError {
            message: message.into(),
            pos: self.base + pos,
            len,
        }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    /// A sum of terms; a `+` or `-` at the level of a `/` (outside
    /// parentheses) is refused as ambiguous.
    fn expr(&mut self) -> Result<Ast, ExprError> {
        let (mut left, mut division) = self.term()?;
        let mut additive: Option<usize> = None;
        while let Some(c @ ('+' | '-')) = self.peek() {
            additive.get_or_insert(self.pos);
            self.pos += 1;
            let (right, d) = self.term()?;
            division = division.or(d);
            let op = if c == '+' { Op::Add } else { Op::Sub };
            left = Ast::Bin(op, Box::new(left), Box::new(right));
        }
        if let (Some(at), Some(_)) = (additive, division) {
            let op = self.chars[at];
            return Err(self.err(
                format!(
                    "'{op}' beside '/' without parentheses is ambiguous: write (A{op}B)/C*100 for the share of a sum, or A{op}(B/C*100)"
                ),
                at,
                1,
            ));
        }
        Ok(left)
    }

    /// A product or quotient of factors, and where its first `/` is.
    fn term(&mut self) -> Result<(Ast, Option<usize>), ExprError> {
        let mut left = self.factor()?;
        let mut division = None;
        while let Some(c @ ('*' | '/')) = self.peek() {
            if c == '/' {
                division.get_or_insert(self.pos);
            }
            self.pos += 1;
            let right = self.factor()?;
            let op = if c == '*' { Op::Mul } else { Op::Div };
            left = Ast::Bin(op, Box::new(left), Box::new(right));
        }
        Ok((left, division))
    }

    fn factor(&mut self) -> Result<Ast, ExprError> {
        let Some(c) = self.peek() else {
            return Err(self.err(
                "the expression ends where a column, a number or '(' is expected",
                self.pos,
                1,
            ));
        };
        let start = self.pos;
        match c {
            '-' => {
                self.pos += 1;
                Ok(Ast::Neg(Box::new(self.factor()?)))
            }
            '(' => {
                self.pos += 1;
                let e = self.expr()?;
                if self.peek() != Some(')') {
                    return Err(self.err("')' expected (this '(' is not closed)", start, 1));
                }
                self.pos += 1;
                Ok(e)
            }
            '"' | '`' => {
                let close = self.chars[start + 1..]
                    .iter()
                    .position(|&x| x == c)
                    .ok_or_else(|| self.err(format!("the quote {c} is not closed"), start, 1))?;
                let name: String = self.chars[start + 1..start + 1 + close].iter().collect();
                self.pos = start + close + 2;
                Ok(Ast::Col(name, self.base + start, close + 2))
            }
            c if c.is_ascii_digit() => {
                while self.pos < self.chars.len()
                    && (self.chars[self.pos].is_ascii_digit() || self.chars[self.pos] == '.')
                {
                    self.pos += 1;
                }
                let s: String = self.chars[start..self.pos].iter().collect();
                if self.pos < self.chars.len() && ident_start(self.chars[self.pos]) {
                    return Err(self.err(
                        "a column name must not start with a digit; quote it, e.g. \"2020_EW\" or `2020_EW`",
                        start,
                        self.pos - start + 1,
                    ));
                }
                s.parse::<f64>().map(Ast::Num).map_err(|_| {
                    self.err(format!("'{s}' is not a number"), start, s.chars().count())
                })
            }
            c if ident_start(c) => {
                while self.pos < self.chars.len() && ident_char(self.chars[self.pos]) {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                if self.pos < self.chars.len() && self.chars[self.pos] == ' ' {
                    // `EW 31.12.2020`: a name with spaces must be quoted.
                    let mut j = self.pos;
                    while j < self.chars.len() && self.chars[j] == ' ' {
                        j += 1;
                    }
                    if j < self.chars.len() && (ident_char(self.chars[j]) || self.chars[j] == '(') {
                        return Err(self.err(
                            "an operator is expected here; a column name with spaces must be quoted, e.g. \"EW 31.12.2020\"",
                            j,
                            1,
                        ));
                    }
                }
                Ok(Ast::Col(
                    name.clone(),
                    self.base + start,
                    name.chars().count(),
                ))
            }
            c => Err(self.err(
                format!("'{c}' is not allowed here: use columns, numbers, + - * / and parentheses"),
                start,
                1,
            )),
        }
    }
}

/// Parse an expression; positions are counted from `base` (the offset of
/// the expression in the flag value).
fn parse_ast(text: &str, base: usize) -> Result<Ast, ExprError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        base,
        _text: text,
    };
    let e = p.expr()?;
    if let Some(c) = p.peek() {
        let msg = if c == ')' {
            "this ')' has no matching '('".to_string()
        } else {
            format!("'{c}' is not expected here: an operator (+ - * /) or the end is")
        };
        return Err(p.err(msg, p.pos, 1));
    }
    Ok(e)
}

/// Resolve the column names of `ast` in `table` (exactly, else ignoring
/// case when that is unique); text columns are errors.
fn resolve(ast: Ast, table: &StatTable) -> Result<Expr, ExprError> {
    Ok(match ast {
        Ast::Num(v) => Expr::Num(v),
        Ast::Neg(a) => Expr::Neg(Box::new(resolve(*a, table)?)),
        Ast::Bin(op, a, b) => Expr::Bin(
            op,
            Box::new(resolve(*a, table)?),
            Box::new(resolve(*b, table)?),
        ),
        Ast::Col(name, pos, len) => {
            let col = match table.column(&name) {
                Some(c) => c,
                None => {
                    let ci: Vec<&Column> = table
                        .columns
                        .iter()
                        .filter(|c| c.name.to_lowercase() == name.to_lowercase())
                        .collect();
                    if ci.len() == 1 {
                        ci[0]
                    } else {
                        let all: Vec<&str> =
                            table.columns.iter().map(|c| c.name.as_str()).collect();
                        return Err(ExprError {
                            message: format!(
                                "no column '{name}' in {}; columns: {}",
                                table.source,
                                examples(&all, 60)
                            ),
                            pos,
                            len,
                        });
                    }
                }
            };
            if col.kind != ColumnType::Numeric {
                return Err(ExprError {
                    message: format!("column '{}' holds text, not numbers", col.name),
                    pos,
                    len,
                });
            }
            Expr::Col(col.name.clone())
        }
    })
}

/// Split `NAME=EXPR`; the error names the flag.
pub fn split_spec<'a>(
    flag: &str,
    spec: &'a str,
    example: &str,
) -> Result<(&'a str, &'a str, usize)> {
    let (name, body) = spec.split_once('=').ok_or_else(|| {
        usage_error(format!(
            "{flag} '{spec}': write NAME=EXPRESSION, e.g. {flag} '{example}'"
        ))
    })?;
    if name.trim().is_empty() {
        return Err(usage_error(format!(
            "{flag} '{spec}': the new column needs a name before '=', e.g. {flag} '{example}'"
        )));
    }
    Ok((name.trim(), body, name.chars().count() + 1))
}

/// Parse `EXPR` of `--add NAME=EXPR` against the columns of `table`.
pub fn parse(flag: &str, spec: &str, table: &StatTable) -> Result<(String, Expr)> {
    let (name, body, base) = split_spec(flag, spec, "Kinder_u6=E_EU1+E_E1U6")?;
    let ast = parse_ast(body, base).map_err(|e| usage_error(e.render(flag, spec)))?;
    let e = resolve(ast, table).map_err(|e| usage_error(e.render(flag, spec)))?;
    Ok((name.to_string(), e))
}

/// A ratio: numerator and denominator expressions and a factor.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioExpr {
    pub name: String,
    pub numerator: Expr,
    pub denominator: Expr,
    pub factor: f64,
}

/// Parse `NAME=N/D[*F]` (see the module documentation).
pub fn parse_ratio(flag: &str, spec: &str, table: &StatTable) -> Result<RatioExpr> {
    let example = "Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100";
    let (name, body, base) = split_spec(flag, spec, example)?;
    let (ast, percent) = parse_percent(flag, spec, body, base)?;
    let Some((n, d, f)) = ratio_parts(ast) else {
        return Err(not_a_ratio(flag, spec, base, body, example));
    };
    Ok(RatioExpr {
        name: name.to_string(),
        numerator: resolve(n, table).map_err(|e| usage_error(e.render(flag, spec)))?,
        denominator: resolve(d, table).map_err(|e| usage_error(e.render(flag, spec)))?,
        factor: if percent { f * 100.0 } else { f },
    })
}

/// The expression of a ratio or share, with a trailing `%` (= `* 100`).
fn parse_percent(flag: &str, spec: &str, body: &str, base: usize) -> Result<(Ast, bool)> {
    let (body, percent) = match body.trim_end().strip_suffix('%') {
        Some(b) => (b, true),
        None => (body, false),
    };
    let ast = parse_ast(body, base).map_err(|e| usage_error(e.render(flag, spec)))?;
    Ok((ast, percent))
}

/// Numerator, denominator and factor of a division at the top level:
/// `N/D`, `N/D*F`, `F*N/D`; None for anything else.
fn ratio_parts(ast: Ast) -> Option<(Ast, Ast, f64)> {
    match ast {
        Ast::Bin(Op::Div, n, d) => Some((*n, *d, 1.0)),
        Ast::Bin(Op::Mul, a, b) => match (*a, *b) {
            (Ast::Bin(Op::Div, n, d), Ast::Num(f)) | (Ast::Num(f), Ast::Bin(Op::Div, n, d)) => {
                Some((*n, *d, f))
            }
            _ => None,
        },
        _ => None,
    }
}

/// A column, a sum of columns or a share of sums, as `lor map` and `lor
/// report` show it: the counts are summed over the members of a unit, then
/// divided (never a mean of ratios). The column names are as written; the
/// map checks them against its table.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub name: String,
    pub numerator: Vec<String>,
    /// Empty for a column or a sum.
    pub denominator: Vec<String>,
    pub factor: f64,
}

/// Parse `COLUMN`, `NAME=A+B` or `NAME=(A+B)/C*100` (also `N/D %`, `F*N/D`)
/// with the parser and the precedence of `--add` and `--ratio`:
/// `NAME=A+B/C*100` is refused as ambiguous there as here.
pub fn parse_share(flag: &str, spec: &str) -> Result<Share> {
    let example = "Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100";
    if !spec.contains('=') {
        let name = spec.trim();
        if name.is_empty() {
            return Err(usage_error(format!(
                "{flag}: give a column, or a share of sums NAME=(A+B)/C*100, e.g. {flag} '{example}'"
            )));
        }
        return Ok(Share {
            name: name.to_string(),
            numerator: vec![name.to_string()],
            denominator: Vec::new(),
            factor: 1.0,
        });
    }
    let (name, body, base) = split_spec(flag, spec, example)?;
    let (ast, percent) = parse_percent(flag, spec, body, base)?;
    let not_a_share = || {
        let e = ExprError {
            message: format!(
                "a map shows a column, a sum of columns (A+B) or a share of sums ((A+B)/C*100); compute other expressions as a column with lor aggregate first; a share of sums is e.g. '{example}'"
            ),
            pos: base,
            len: body.trim_end().chars().count(),
        };
        usage_error(e.render(flag, spec))
    };
    let (numerator, denominator, factor) = match ratio_parts(ast.clone()) {
        Some((n, d, f)) => (
            sum_of_columns(&n).ok_or_else(not_a_share)?,
            sum_of_columns(&d).ok_or_else(not_a_share)?,
            f,
        ),
        None if !percent => (
            sum_of_columns(&ast).ok_or_else(not_a_share)?,
            Vec::new(),
            1.0,
        ),
        None => return Err(not_a_share()),
    };
    Ok(Share {
        name: name.to_string(),
        numerator,
        denominator,
        factor: if percent { factor * 100.0 } else { factor },
    })
}

/// The columns of `A + B + …`; None for any other expression.
fn sum_of_columns(ast: &Ast) -> Option<Vec<String>> {
    match ast {
        Ast::Col(name, _, _) => Some(vec![name.clone()]),
        Ast::Bin(Op::Add, a, b) => {
            let mut cols = sum_of_columns(a)?;
            cols.extend(sum_of_columns(b)?);
            Some(cols)
        }
        _ => None,
    }
}

fn not_a_ratio(flag: &str, spec: &str, base: usize, body: &str, example: &str) -> anyhow::Error {
    let e = ExprError {
        message: format!(
            "a ratio must be NUMERATOR/DENOMINATOR at the top level, optionally times a number; put a numerator with + or - in parentheses, e.g. '{example}'"
        ),
        pos: base,
        len: body.trim_end().chars().count(),
    };
    usage_error(e.render(flag, spec))
}

impl Expr {
    /// The column this expression is, if it is a single column.
    pub fn as_column(&self) -> Option<&str> {
        match self {
            Expr::Col(c) => Some(c),
            _ => None,
        }
    }

    /// Does the expression divide (then it is a ratio, not a count)?
    pub fn divides(&self) -> bool {
        match self {
            Expr::Bin(Op::Div, _, _) => true,
            Expr::Bin(_, a, b) => a.divides() || b.divides(),
            Expr::Neg(a) => a.divides(),
            _ => false,
        }
    }

    /// Value for row `i`; `None` is missing. `div0` is set on a division by zero.
    fn eval(
        &self,
        table: &StatTable,
        i: usize,
        missing: MissingPolicy,
        div0: &mut bool,
    ) -> Option<f64> {
        match self {
            Expr::Num(v) => Some(*v),
            Expr::Col(c) => table.column(c).and_then(|c| c.cells[i].num()),
            Expr::Neg(a) => a.eval(table, i, missing, div0).map(|v| -v),
            Expr::Bin(op, a, b) => {
                let x = a.eval(table, i, missing, div0);
                let y = b.eval(table, i, missing, div0);
                match (op, x, y) {
                    (Op::Add, Some(x), Some(y)) => Some(x + y),
                    (Op::Sub, Some(x), Some(y)) => Some(x - y),
                    (Op::Mul, Some(x), Some(y)) => Some(x * y),
                    (Op::Div, Some(_), Some(0.0)) => {
                        *div0 = true;
                        None
                    }
                    (Op::Div, Some(x), Some(y)) => Some(x / y),
                    (Op::Add | Op::Sub, Some(x), None) if missing == MissingPolicy::Skip => Some(x),
                    (Op::Add, None, Some(y)) if missing == MissingPolicy::Skip => Some(y),
                    (Op::Sub, None, Some(y)) if missing == MissingPolicy::Skip => Some(-y),
                    _ => None,
                }
            }
        }
    }
}

/// Compute `expr` for every row of `table` and append it as column `name`.
/// Division by zero leaves the cell empty and is reported.
pub fn add_column(
    table: &mut StatTable,
    name: &str,
    expr: &Expr,
    missing: MissingPolicy,
    flag: &str,
) -> Result<Warnings> {
    let mut warnings = Warnings::default();
    if table.column(name).is_some() {
        return Err(usage_error(format!(
            "{flag}: a column '{name}' is already in {}; choose another name",
            table.source
        )));
    }
    let mut cells = Vec::with_capacity(table.len());
    let mut zero: Vec<&str> = Vec::new();
    let mut missing_rows = 0usize;
    for i in 0..table.len() {
        let mut div0 = false;
        match expr.eval(table, i, missing, &mut div0) {
            Some(v) if v.is_finite() => cells.push(Cell::Num(v)),
            _ => {
                if div0 {
                    zero.push(&table.keys[i]);
                } else {
                    missing_rows += 1;
                }
                cells.push(Cell::Empty);
            }
        }
    }
    if !zero.is_empty() {
        warnings.push(
            crate::error::WarningCode::DivisionByZero,
            format!(
                "{flag} '{name}': division by zero in {} PLR, left empty: {}",
                zero.len(),
                examples(&zero, 5)
            ),
        );
    }
    if missing_rows > 0 && missing == MissingPolicy::Propagate {
        warnings.push(
            crate::error::WarningCode::MissingValues,
            format!(
                "{flag} '{name}': empty in {missing_rows} row{} because a value it uses is missing",
                if missing_rows == 1 { "" } else { "s" }
            ),
        );
    }
    let raw = cells
        .iter()
        .map(|c| c.num().map(format_f64).unwrap_or_default())
        .collect();
    table.columns.push(Column {
        name: name.to_string(),
        kind: ColumnType::Numeric,
        cells,
        raw,
    });
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::stats::{read_stats_bytes, ReadOptions};

    fn table() -> StatTable {
        let csv = "PLR;A;B;EW 31.12.2020;T\n01011101;1;2;10;x\n01011102;3;;0;y\n";
        read_stats_bytes("t.csv", csv.as_bytes(), &ReadOptions::default())
            .unwrap()
            .0
    }

    #[test]
    fn precedence_and_quotes() {
        let t = table();
        let (_, e) = parse("--add", "X=A+B*2", &t).unwrap();
        assert_eq!(
            e,
            Expr::Bin(
                Op::Add,
                Box::new(Expr::Col("A".into())),
                Box::new(Expr::Bin(
                    Op::Mul,
                    Box::new(Expr::Col("B".into())),
                    Box::new(Expr::Num(2.0))
                ))
            )
        );
        let (_, e) = parse("--add", "X=(A+`EW 31.12.2020`)/\"B\"", &t).unwrap();
        assert!(e.divides());
    }

    #[test]
    fn errors_have_a_caret() {
        let t = table();
        let msg = parse("--add", "X=A+FOO", &t).unwrap_err().to_string();
        assert!(msg.contains("no column 'FOO'"), "{msg}");
        assert!(msg.ends_with("\n    X=A+FOO\n        ^^^"), "{msg}");
        let msg = parse("--add", "X=(A+B", &t).unwrap_err().to_string();
        assert!(msg.contains("not closed"), "{msg}");
        let msg = parse("--add", "X=A+T", &t).unwrap_err().to_string();
        assert!(msg.contains("holds text"), "{msg}");
        let msg = parse("--add", "X=EW 31.12.2020", &t)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("must be quoted"), "{msg}");
    }

    #[test]
    fn ratios() {
        let t = table();
        let r = parse_ratio("--ratio", "S=(A+B)/`EW 31.12.2020`*100", &t).unwrap();
        assert_eq!(r.factor, 100.0);
        assert_eq!(r.denominator, Expr::Col("EW 31.12.2020".into()));
        let r = parse_ratio("--ratio", "S=A/B %", &t).unwrap();
        assert_eq!((r.numerator.as_column(), r.factor), (Some("A"), 100.0));
        let msg = parse_ratio("--ratio", "S=A+B", &t).unwrap_err().to_string();
        assert!(msg.contains("NUMERATOR/DENOMINATOR"), "{msg}");
    }

    /// `+` or `-` beside `/` without parentheses is refused, with a caret
    /// under the operator, by `--add`, `--ratio` and the shares of maps
    /// alike; with parentheses either reading works.
    #[test]
    fn a_sum_beside_a_division_needs_parentheses() {
        let t = table();
        let ambiguous = "'+' beside '/' without parentheses is ambiguous: write (A+B)/C*100 for the share of a sum, or A+(B/C*100) (at character 4):\n    S=A+B/A*100\n       ^";
        for msg in [
            parse("--add", "S=A+B/A*100", &t).unwrap_err().to_string(),
            parse_ratio("--ratio", "S=A+B/A*100", &t)
                .unwrap_err()
                .to_string(),
            parse_share("--ratio", "S=A+B/A*100")
                .unwrap_err()
                .to_string(),
        ] {
            assert!(msg.ends_with(ambiguous), "{msg}");
        }
        let msg = parse("--add", "S=A/B-1", &t).unwrap_err().to_string();
        assert!(msg.contains("'-' beside '/'"), "{msg}");
        // Parentheses decide; products and quotients alone need none.
        assert!(parse("--add", "S=A+(B/A*100)", &t).is_ok());
        assert!(parse("--add", "S=A+B*2", &t).is_ok());
        assert!(parse("--add", "S=-A/B*100", &t).is_ok());
        let r = parse_ratio("--ratio", "S=(A+B)/A*100", &t).unwrap();
        assert_eq!(r.factor, 100.0);
        let share = |spec: &str| parse_share("--ratio", spec).unwrap();
        let s = share("S=(A+B)/`EW 31.12.2020`*100");
        assert_eq!(
            (s.numerator, s.denominator, s.factor),
            (
                vec!["A".to_string(), "B".to_string()],
                vec!["EW 31.12.2020".to_string()],
                100.0
            )
        );
        let s = share("S=A/B %");
        assert_eq!((s.numerator.len(), s.factor), (1, 100.0));
        let s = share("Kinder=A+B");
        assert_eq!((s.numerator.len(), s.denominator.len()), (2, 0));
        let s = share("EW 31.12.2020");
        assert_eq!(s.numerator, ["EW 31.12.2020"]);
        let msg = parse_share("--ratio", "S=A-B").unwrap_err().to_string();
        assert!(
            msg.contains("a map shows a column, a sum of columns"),
            "{msg}"
        );
    }

    #[test]
    fn missing_values() {
        let mut t = table();
        let (_, e) = parse("--add", "X=A+B", &t).unwrap();
        add_column(&mut t, "X", &e, MissingPolicy::Propagate, "--add").unwrap();
        assert_eq!(
            t.column("X").unwrap().cells,
            vec![Cell::Num(3.0), Cell::Empty]
        );
        add_column(&mut t, "Y", &e, MissingPolicy::Skip, "--add").unwrap();
        assert_eq!(
            t.column("Y").unwrap().cells,
            vec![Cell::Num(3.0), Cell::Num(3.0)]
        );
        let (_, e) = parse("--add", "Z=A/`EW 31.12.2020`", &t).unwrap();
        let w = add_column(&mut t, "Z", &e, MissingPolicy::Skip, "--add").unwrap();
        assert_eq!(w.iter().next().unwrap().code, "division-by-zero");
    }
}
