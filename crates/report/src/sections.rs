//! The sections of the domain rules that reports cite, with their titles and their anchors in
//! `docs/domain.md`.
//!
//! Events cite their rules as strings such as `§5.4`, `§6 N4` or `§8.2, §8.6, §14` (see
//! `model::section`: `Event::section`, `RefusalRule::section`). A teaching report links each cited section to its
//! heading in docs/domain.md, which has one heading per section (`## §5.4 …`). GitHub derives a
//! heading's anchor from its text, so the anchor depends on the title: the build script reads
//! the headings of docs/domain.md when the file exists and the anchors follow them; otherwise
//! (or for a section the file lacks) the anchor is derived from the section's title in
//! domain-rules.md, which docs/domain.md is written from.

pub use crate::slug::slug;

// (section, anchor) pairs read from docs/domain.md by build.rs; empty when the file is absent.
include!(concat!(env!("OUT_DIR"), "/domain_anchors.rs"));

/// Where reports link to.
pub const DOMAIN_DOC: &str = "docs/domain.md";

/// A section of the domain rules: its number, English title (as in domain-rules.md) and a
/// short Japanese title.
struct Section {
    id: &'static str,
    en: &'static str,
    ja: &'static str,
}

const SECTIONS: &[Section] = &[
    Section {
        id: "1",
        en: "Actors and responsibilities",
        ja: "関係機関と役割",
    },
    Section {
        id: "2",
        en: "Cards and identifiers",
        ja: "カードと番号",
    },
    Section {
        id: "3",
        en: "Eligibility for a Tokutei card",
        ja: "特定在留カードの対象者",
    },
    Section {
        id: "4",
        en: "Where a Tokutei application can (and cannot) be made",
        ja: "特定在留カードを申請できる場所",
    },
    Section {
        id: "5",
        en: "Procedures (legacy vs integrated)",
        ja: "手続（従来制度と一体化制度）",
    },
    Section {
        id: "5.1",
        en: "Landing and first residence notification",
        ja: "上陸と住居地届出",
    },
    Section {
        id: "5.2",
        en: "Address change inside one municipality (転居)",
        ja: "同一市区町村内の住所変更（転居）",
    },
    Section {
        id: "5.3",
        en: "Address change between municipalities (転出 → 転入)",
        ja: "市区町村をまたぐ住所変更（転出・転入）",
    },
    Section {
        id: "5.4",
        en: "Period-of-stay extension (在留期間更新許可申請)",
        ja: "在留期間更新許可申請",
    },
    Section {
        id: "5.5",
        en: "Change of status (在留資格変更許可申請)",
        ja: "在留資格変更許可申請",
    },
    Section {
        id: "5.6",
        en: "Permanent residence (永住許可申請)",
        ja: "永住許可申請",
    },
    Section {
        id: "5.7",
        en: "Card validity renewal (有効期間更新申請) — PR / HSP(ii) / 16th-birthday cards",
        ja: "在留カード有効期間更新申請",
    },
    Section {
        id: "5.8",
        en: "SPR certificate renewal / changes (at the municipality)",
        ja: "特別永住者証明書の更新・変更（市区町村）",
    },
    Section {
        id: "5.9",
        en: "Non-address item change (住居地以外の記載事項変更届出)",
        ja: "住居地以外の記載事項変更届出",
    },
    Section {
        id: "5.10",
        en: "Reissue for damage, soiling, chip failure, or on request (19条の13)",
        ja: "汚損・毀損・交換希望による再交付",
    },
    Section {
        id: "5.11",
        en: "Loss / theft",
        ja: "紛失・盗難",
    },
    Section {
        id: "5.12",
        en: "Forgotten / locked PINs",
        ja: "暗証番号の失念・ロック",
    },
    Section {
        id: "5.13",
        en: "Legacy My Number \"special-period extension\" (特例期間延長)",
        ja: "個人番号カードの特例期間延長",
    },
    Section {
        id: "6",
        en: "Notifications between offices",
        ja: "機関間の通知",
    },
    Section {
        id: "7",
        en: "What the integrated regime changes (summary)",
        ja: "一体化制度で変わること",
    },
    Section {
        id: "8",
        en: "Validity rules (old vs new) with worked examples",
        ja: "有効期間の規則（旧・新）",
    },
    Section {
        id: "8.1",
        en: "Residence card — legacy (入管法19条の5 as in force 2024-04-01)",
        ja: "在留カードの有効期間（旧）",
    },
    Section {
        id: "8.2",
        en: "New-format card (from 2026-06-14)",
        ja: "新様式のカードの有効期間",
    },
    Section {
        id: "8.3",
        en: "SPR certificate — legacy",
        ja: "特別永住者証明書の有効期間（旧）",
    },
    Section {
        id: "8.4",
        en: "My Number card (legacy, foreigners)",
        ja: "個人番号カードの有効期間（外国人）",
    },
    Section {
        id: "8.5",
        en: "JPKI certificates",
        ja: "署名用・利用者証明用電子証明書",
    },
    Section {
        id: "8.6",
        en: "Tokutei card",
        ja: "特定在留カード",
    },
    Section {
        id: "9",
        en: "Special extension period (特例期間)",
        ja: "特例期間",
    },
    Section {
        id: "10",
        en: "Deadlines and consequences",
        ja: "期限と徒過の結果",
    },
    Section {
        id: "11",
        en: "What is NOT allowed / not available",
        ja: "できないこと",
    },
    Section {
        id: "12",
        en: "What the card shows",
        ja: "カードの記載事項",
    },
    Section {
        id: "13",
        en: "My Number check digit",
        ja: "個人番号の検査用数字",
    },
    Section {
        id: "14",
        en: "Residence card number format",
        ja: "在留カード番号の形式",
    },
    Section {
        id: "15",
        en: "Statistics",
        ja: "統計",
    },
    Section {
        id: "16",
        en: "Disagreements and open questions",
        ja: "見解の相違と未解決の問題",
    },
    Section {
        id: "17",
        en: "Claims of the published guide, assessed",
        ja: "公開ガイドの主張の検証",
    },
];

fn find(id: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.id == id)
}

/// A cited section, resolved to a heading of docs/domain.md.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Citation {
    /// The section as cited, e.g. `5.4`; a sub-item without its own heading (`16.6`) is cited
    /// as its parent (`16`).
    pub id: String,
}

impl Citation {
    /// `§5.4`
    pub fn mark(&self) -> String {
        format!("§{}", self.id)
    }

    /// The section's title in `lang`.
    pub fn title(&self, lang: crate::labels::Lang) -> &'static str {
        find(&self.id)
            .map(|s| match lang {
                crate::labels::Lang::En => s.en,
                crate::labels::Lang::Ja => s.ja,
            })
            .unwrap_or("")
    }

    /// The heading's anchor in docs/domain.md, without the `#`.
    pub fn anchor(&self) -> String {
        if let Some((_, anchor)) = DOMAIN_ANCHORS.iter().find(|(id, _)| *id == self.id) {
            return (*anchor).to_owned();
        }
        let title = find(&self.id).map(|s| s.en).unwrap_or("");
        slug(&format!("§{} {title}", self.id))
    }

    /// `docs/domain.md#54-period-of-stay-extension-在留期間更新許可申請`
    pub fn link(&self) -> String {
        format!("{DOMAIN_DOC}#{}", self.anchor())
    }
}

/// The sections a rule string cites, in order, without repeats: `"§8.2, §8.6, §14"` gives
/// 8.2, 8.6, 14; `"§6 N4"` gives 6; `"§16.6"` gives 16 (no heading of its own).
pub fn citations(rule: &str) -> Vec<Citation> {
    let mut out: Vec<Citation> = Vec::new();
    for part in rule.split('§').skip(1) {
        let raw: String = part
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut id = raw.trim_end_matches('.').to_owned();
        // A sub-item without a heading of its own is cited as its parent section.
        while find(&id).is_none() {
            match id.rfind('.') {
                Some(i) => id.truncate(i),
                None => break,
            }
        }
        if id.is_empty() || find(&id).is_none() {
            continue;
        }
        if !out.iter().any(|c| c.id == id) {
            out.push(Citation { id });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_strings_resolve_to_sections() {
        let ids = |r: &str| citations(r).into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids("§8.2, §8.6, §14"), ["8.2", "8.6", "14"]);
        assert_eq!(ids("§6 N4"), ["6"]);
        assert_eq!(ids("§16.6"), ["16"]);
        assert_eq!(ids("§5.11, §16.1"), ["5.11", "16"]);
        assert_eq!(ids("§5.4, §8.4"), ["5.4", "8.4"]);
        assert!(ids("no rule").is_empty());
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(
            slug("§5.4 Period-of-stay extension (在留期間更新許可申請)"),
            "54-period-of-stay-extension-在留期間更新許可申請"
        );
        assert_eq!(
            slug("§5.3 Address change between municipalities (転出 → 転入)"),
            "53-address-change-between-municipalities-転出--転入"
        );
        assert_eq!(
            slug("§9 Special extension period (特例期間)"),
            "9-special-extension-period-特例期間"
        );
    }
}
