//! Warnings and notes in words for a reader, German or English: the kind
//! of each (the first column of a workbook's notes sheet) and a sentence (the
//! report's list of warnings). The messages
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
        W::Unattributed => ("Eingabe ohne Quellenangabe", "Input without attribution"),
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

/// What a kind of warning means, in a sentence for a person reading a
/// document (the report's list of warnings).
pub fn sentence(code: WarningCode, lang: Lang) -> String {
    use WarningCode as W;
    if lang == Lang::En {
        return code.doc().trim_start_matches("Note: ").to_string();
    }
    match code {
        W::UnknownKey => "Zeilen der Statistik, deren Schlüssel nicht in der Referenzliste (Namensliste oder Flächen) stehen.",
        W::MissingPlr => "Planungsräume der Referenzliste ohne Zeile in der Statistik.",
        W::Vintage => "Schlüssel zweier LOR-Stände (2006 und 2021) gemischt, oder ein anderer Stand als erwartet.",
        W::Totals => "Die Summen der Datei selbst stimmen nicht überein (etwa insgesamt und männlich plus weiblich).",
        W::ShareRange => "Eine Anteilsspalte hat Werte außerhalb von 0 bis 100.",
        W::Negative => "Eine Anzahlspalte hat negative Werte.",
        W::MissingValues => "Leere oder gesperrte Zellen; die betroffenen Einheiten bleiben in Summen leer.",
        W::SkippedFiles => "Dateien der Zeitreihe ohne Datum im Namen wurden nicht verwendet.",
        W::Columns => "Die Dateien der Zeitreihe haben nicht alle dieselben Spalten.",
        W::Date => "Die Angaben zum Stichtag widersprechen sich oder sind nicht geordnet; welcher gilt, steht in der Meldung.",
        W::TitleRows => "Zeilen über der Kopfzeile (Titel, Anmerkungen) wurden übersprungen.",
        W::PublishedDeviation => "Ein berechneter Wert weicht von der veröffentlichten Tabelle ab.",
        W::PublishedUnit => "Eine Einheit der veröffentlichten Tabelle wurde nicht berechnet.",
        W::DivisionByZero => "Eine abgeleitete Spalte teilt in einigen Einheiten durch null; diese Zellen bleiben leer.",
        W::ZeroMarker => "Zellen mit dem Zeichen „-“ (nichts vorhanden) wurden als 0 gelesen.",
        W::Catalogue => "Die Namen der Einheiten stammen aus dem eingebauten LOR-Verzeichnis.",
        W::FixId => "Eine falsche Kennung einer Fläche wurde berichtigt: Name und Fläche belegen die richtige.",
        W::ProvenShare => "Eine Anteilsspalte wurde aus den summierten Anzahlen neu berechnet statt summiert.",
        W::MissingAttribute => "Einigen Punkten fehlt ein Merkmal, das summiert oder nach dem gruppiert wird.",
        W::ExtraColumn => "Eine Statistikdatei hat eine nicht erwartete Spalte.",
        W::IgnoredRows => "Zeilen ohne Schlüssel und ohne Zahlen (Anmerkungen, Fußzeilen) wurden übersprungen.",
        W::SubtotalRows => "Zwischensummen gröberer Ebenen zwischen den Planungsräumen wurden nicht verwendet.",
        W::Names => "Eine Namensliste gibt einer Einheit verschiedene Namen.",
        W::Hierarchy => "Eine Spalte mit einem Schlüsselteil (Bezirk, Prognoseraum, Bezirksregion) passt nicht zum Schlüssel des Planungsraums.",
        W::Level => "Eine angefragte Ebene lässt sich aus den Zeilen nicht bilden und fehlt.",
        W::SummedShare => "Eine Spalte, die wie ein Anteil aussieht, wurde auf Anweisung summiert.",
        W::ShareWeight => "Ein gewichteter Mittelwert ist mit einer Anteilsspalte gewichtet.",
        W::DuplicateId => "Flächen mit gleicher Kennung wurden weggelassen; ihre Einheiten haben keine Fläche.",
        W::UnclosedRing => "Nicht geschlossene Umrisse wurden beim Lesen geschlossen.",
        W::InvalidGeometry => "Sich selbst schneidende oder überlappende Teilflächen wurden repariert.",
        W::NoGeometry => "Einheiten der Statistik oder der Namensliste ohne Fläche.",
        W::Overlap => "Flächen einer Ebene überlappen sich, oder Punkte liegen in zwei Flächen zugleich.",
        W::Gap => "Lücken zwischen den Flächen einer Ebene, größer als die Toleranz.",
        W::Nesting => "Einheiten reichen über ihre übergeordnete Fläche hinaus oder haben keine.",
        W::Slivers => "Kleinste Teilflächen unterhalb der Toleranz wurden als Digitalisierungsungenauigkeit verworfen.",
        W::Unassigned => "Einheiten liegen ganz oder teilweise außerhalb jedes Sozialraums.",
        W::Outside => "Punkte außerhalb jeder Einheit zählen in keiner Summe.",
        W::Weights => "Die Gewichte einer Einheit ergeben zusammen nicht 1 (wie angegeben verwendet).",
        W::Cycle => "Schlüssel einer Schlüsseltabelle werden umbenannt und sind zugleich Ziel einer Umbenennung.",
        W::ChainGap => "Eine Tabelle einer Umschlüsselungskette hat keine Zeile für Einheiten der vorigen.",
        W::AreaFallback => "Geteilte Einheiten ohne Bevölkerungspunkte: ihre Flächenanteile werden verwendet.",
        W::CrsGuessed => "Punkte ohne angegebenes Koordinatensystem: das nach den Koordinaten wahrscheinliche wird verwendet.",
        W::BadValues => "Merkmalswerte von Punkten, die keine Zahlen sind, fehlen in den Summen.",
        W::Unattributed => "Eine Eingabe hat keine Quellenangabe; unter „Quellen und Stand“ ist sie nur mit ihrem Dateinamen genannt.",
        W::DuplicatePoint => "Punkte wiederholen einen früheren Punkt oder teilen seine Kennung; jeder wird gezählt.",
    }
    .to_string()
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
