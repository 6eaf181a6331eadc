//! The kind of each warning or note in words for a reader, German or
//! English: the first column of a workbook's notes sheet. The messages
//! themselves stay as `lor` prints them on stderr (English).

use crate::error::WarningCode;
use crate::text::Lang;

/// What a warning of `code` is about, in a few words.
pub fn kind(code: WarningCode, lang: Lang) -> &'static str {
    use WarningCode as W;
    let (de, en) = match code {
        W::UnknownKey => ("Unbekannte Schlüssel", "Unknown keys"),
        W::MissingPlr => (
            "Einheiten ohne Zeile in der Statistik",
            "Units without a row",
        ),
        W::Vintage => ("LOR-Stände gemischt", "LOR vintages mixed"),
        W::Totals => (
            "Summen der Datei stimmen nicht",
            "The file's totals disagree",
        ),
        W::ShareRange => ("Anteil außerhalb 0–100", "Share outside 0–100"),
        W::Negative => ("Negative Anzahlen", "Negative counts"),
        W::MissingValues => ("Fehlende Werte", "Missing values"),
        W::SkippedFiles => (
            "Dateien ohne Datum ausgelassen",
            "Files without a date left out",
        ),
        W::Columns => ("Spalten ändern sich", "Columns differ between dates"),
        W::Date => ("Datumsangaben widersprechen sich", "Dates disagree"),
        W::TitleRows => ("Titelzeilen übersprungen", "Title rows skipped"),
        W::PublishedDeviation => (
            "Abweichung von veröffentlichter Tabelle",
            "Differs from the published table",
        ),
        W::PublishedUnit => (
            "Einheit der veröffentlichten Tabelle fehlt",
            "Unit of the published table missing",
        ),
        W::DivisionByZero => ("Division durch null", "Division by zero"),
        W::ZeroMarker => ("„-“ als 0 gelesen", "'-' read as 0"),
        W::Catalogue => ("Namen aus dem LOR-Katalog", "Names from the LOR catalogue"),
        W::FixId => ("Kennung einer Fläche berichtigt", "Polygon id corrected"),
        W::ProvenShare => ("Anteil neu berechnet", "Share recomputed"),
        W::MissingAttribute => ("Merkmal fehlt an Punkten", "Points lack an attribute"),
        W::ExtraColumn => ("Zusätzliche Spalte", "Extra column"),
        W::IgnoredRows => (
            "Zeilen ohne Schlüssel übersprungen",
            "Rows without a key skipped",
        ),
        W::SubtotalRows => ("Zwischensummen nicht verwendet", "Subtotal rows not used"),
        W::Names => ("Namen widersprechen sich", "Names disagree"),
        W::Hierarchy => ("Schlüsselteile widersprechen sich", "Key parts disagree"),
        W::Level => ("Ebene ausgelassen", "Level left out"),
        W::SummedShare => ("Anteil summiert", "Share summed"),
        W::ShareWeight => ("Gewicht ist ein Anteil", "Weight is a share"),
        W::DuplicateId => ("Doppelte Kennung", "Duplicate id"),
        W::UnclosedRing => ("Offene Umringe geschlossen", "Unclosed rings closed"),
        W::InvalidGeometry => ("Fehlerhafte Flächen repariert", "Invalid polygons repaired"),
        W::NoGeometry => ("Einheiten ohne Fläche", "Units without a polygon"),
        W::Overlap => ("Überlappung", "Overlap"),
        W::Gap => ("Lücken zwischen Flächen", "Gaps between polygons"),
        W::Nesting => ("Fläche ragt aus übergeordneter", "Unit outside its parent"),
        W::Slivers => ("Splitterflächen verworfen", "Slivers dropped"),
        W::Unassigned => ("Nicht zugeordnete Flächen", "Unassigned units"),
        W::Outside => (
            "Punkte außerhalb aller Einheiten",
            "Points outside every unit",
        ),
        W::Weights => ("Gewichte ergeben nicht 1", "Weights do not add up to 1"),
        W::Cycle => ("Schlüsseltabelle im Kreis", "Key table renames in a cycle"),
        W::ChainGap => (
            "Lücke in der Umrechnungskette",
            "Gap in the crosswalk chain",
        ),
        W::AreaFallback => ("Nach Fläche geschätzt", "Estimated from area"),
        W::CrsGuessed => ("Koordinatensystem angenommen", "CRS assumed"),
        W::BadValues => ("Unlesbare Werte", "Unreadable values"),
        W::DuplicatePoint => ("Doppelte Punkte", "Duplicate points"),
    };
    lang.pick(de, en)
}

/// A message for a reader: every path in it (a word with a `/` or `\\`
/// that ends in a file name) shortened to the file name, so that no folder
/// of the machine that ran `lor` goes into a document.
pub fn without_folders(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, word) in message.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = word.trim_end_matches([':', ',', ';', ')', '.']);
        let core = core.trim_start_matches(['(', '\'', '"']);
        let file = core.rsplit(['/', '\\']).next().unwrap_or(core);
        if core.len() > file.len() && file.contains('.') && !file.starts_with('.') {
            out.push_str(&word.replacen(core, file, 1));
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code has a kind in both languages, and no two codes share one.
    #[test]
    fn every_code_has_a_kind() {
        for lang in [Lang::De, Lang::En] {
            let mut seen = std::collections::BTreeSet::new();
            for &c in WarningCode::ALL {
                assert!(seen.insert(kind(c, lang)), "{c}: {}", kind(c, lang));
            }
        }
        assert_eq!(
            kind(WarningCode::MissingPlr, Lang::De),
            "Einheiten ohne Zeile in der Statistik"
        );
        assert_eq!(
            kind(WarningCode::Outside, Lang::En),
            "Points outside every unit"
        );
    }

    #[test]
    fn paths_lose_their_folders() {
        assert_eq!(
            without_folders(
                "/work/data/berlin/lor-2006/plr.geojson.gz: feature 124 (see ./x/y.csv), 1/2 done"
            ),
            "plr.geojson.gz: feature 124 (see y.csv), 1/2 done"
        );
        assert_eq!(
            without_folders("E_E/E_E*100 in 3 PLR"),
            "E_E/E_E*100 in 3 PLR"
        );
    }
}
