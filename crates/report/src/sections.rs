//! The sections of the domain rules that reports cite, with their titles and their anchors in
//! `docs/domain.md`.
//!
//! Events cite their rules as strings such as `§5.4`, `§6 N4` or `§8.2, §8.6, §14` (see
//! `model::section`: `Event::section`, `RefusalRule::section`). A teaching report links each cited section to its
//! heading in docs/domain.md, which has one heading per section (`## §5.4 …`). GitHub derives a
//! heading's anchor from its text, so the anchor depends on the title: the build script reads
//! the headings of docs/domain.md when the file exists and the anchors follow them; otherwise
//! (or for a section the file lacks) the anchor is derived from the section's title below, which
//! follows the rulebook's numbering.

pub use crate::slug::slug;

// (section, anchor) pairs read from docs/domain.md by build.rs; empty when the file is absent.
include!(concat!(env!("OUT_DIR"), "/domain_anchors.rs"));

/// Where reports link to.
pub const DOMAIN_DOC: &str = "docs/domain.md";

/// A section of the domain rules: its number, English title (the rulebook's) and a
/// short Japanese title.
struct Section {
    id: &'static str,
    en: &'static str,
    ja: &'static str,
}

/// The rule of each section in Japanese, in brief: docs/domain.md is written in English, and a
/// report in Japanese says the rule in Japanese (the English text is read from docs/domain.md
/// by the build script, [`DOMAIN_RULES`]).
const JA_RULES: &[(&str, &str)] = &[
    (
        "1",
        "出入国在留管理庁は在留資格に関する処分を行い、在留カードを交付する（カードの交付が更新・変更の許可となる）。一体化制度では特定在留カードの申請を受け付けて交付する。市区町村は住民基本台帳を管理し、住所の届出を受けてカードに記載し、個人番号カードを扱う。J-LISは個人番号カードを作成し、入管の依頼で特定在留カードにマイナンバー機能を付与し、公的個人認証を運営する。",
    ),
    (
        "2",
        "中長期在留者は在留カード、特別永住者は特別永住者証明書を持つ。改正後に交付されるカードは新様式となる。個人番号カードは別のカードである。特定在留カード（特定特別永住者証明書）は個人番号カードの機能を持つ在留カード（証明書）で、個人番号カードとみなされる。",
    ),
    (
        "3",
        "特定在留カードを申請できるのは、住民基本台帳に記録されている中長期在留者と特別永住者である。申請は任意。",
    ),
    (
        "4",
        "特定在留カードの申請は、在留期間更新などの他の手続に併せて、入管または市区町村の窓口で行う。オンラインや出入国港では申請できない。",
    ),
    (
        "5",
        "期限は出来事の翌日から数え、土曜・日曜に終わる期限は翌月曜日まで延びる。入管の判断は模擬せず、シナリオが許可・不許可の日を与える。",
    ),
    (
        "5.1",
        "上陸許可の際、出入国港で在留カードが交付される（または後日郵送）。住居地を定めてから14日以内に市区町村へ住居地届出をする。",
    ),
    (
        "5.2",
        "同一市区町村内の転居は、転居後14日以内に転居届を出す。市区町村は新しい住所をカードに記載し、入管に通知する。",
    ),
    (
        "5.3",
        "転出届を転出元に出し、転入後14日以内に転入先で転入届を出す。個人番号カードは転入届から90日以内に継続利用の手続をしないと失効する。特例転出の後は、転入後14日以内かつ転出予定日から30日以内に転入届が必要。転入先は住所をカードに記載し、入管と転出元に通知する。",
    ),
    (
        "5.4",
        "入管に在留期間更新許可申請をし、許可は新しい在留カードの交付による。従来制度では個人番号カードの有効期間は自動では延びず、市区町村で有効期間の変更が必要。一体化制度では特定在留カードの申請を併せて行える。",
    ),
    (
        "5.5",
        "入管に在留資格変更許可申請をし、許可は新しい在留カードの交付による。個人番号カードの扱いは在留期間更新と同じ。在留資格の変更で新たに中長期在留者となった者は、許可の日から14日以内に市区町村で住居地届出をする（入管法19条の8）。特定在留カードの申請を併せて行える。",
    ),
    (
        "5.6",
        "入管に永住許可申請をする。審査中に在留期間が満了する場合は別に更新申請が必要。従来制度では、個人番号カードの有効期間が日本人と同じ方式に変わるため、市区町村での有効期間の変更が必要になる。",
    ),
    (
        "5.7",
        "永住者・高度専門職2号のカードと、16歳の誕生日に結び付いた有効期間のカードは、在留カード有効期間更新申請で更新する。受付は満了の2か月前（16歳の誕生日に結び付いたものは6か月前）から。",
    ),
    (
        "5.8",
        "特別永住者証明書の更新と記載事項の変更は、市区町村の窓口で行う。",
    ),
    (
        "5.9",
        "氏名・国籍・地域・生年月日・性別の変更は、14日以内に入管に届け出る。新しいカードが交付される。",
    ),
    (
        "5.10",
        "汚損・毀損・ICチップの故障、または本人の希望により、入管で再交付を受ける。",
    ),
    (
        "5.11",
        "警察に遺失届を出し、紛失を知った日から14日以内に受理番号を添えて入管に再交付を申請する。マイナンバー機能は一時停止できる。紛失した特定在留カードは、既定では標準の在留カードで再交付される（§16.1）。",
    ),
    (
        "5.12",
        "暗証番号を忘れた、またはロックされた場合は、市区町村の窓口で再設定する。",
    ),
    (
        "5.13",
        "在留期間の満了日までに申請して審査中であれば、従来制度の個人番号カードの有効期間を特例期間の終期まで一度だけ延長できる。",
    ),
    (
        "5.14",
        "日本を離れて国外に住む者は、出国前に市区町村へ国外転出届を出す。転出予定日に住民票は消除され、外国人住民の個人番号カードは失効する。再入国許可なしで出国する際、在留カードは港で入国審査官に返納し、失効する。届出のないまま出国した者の住民票は、入管の通知を受けて市区町村が職権で消除する（推定）。",
    ),
    (
        "6",
        "各機関は通知（N1〜N9）によって他の機関の処分を知る。従来制度では、入管の通知（N3）は住民票を更新するが個人番号カードは更新せず、本人の手続が必要となる（§5.4）。",
    ),
    (
        "7",
        "入管での一つの申請で在留資格とマイナンバー機能がまとめて更新される。特定在留カードの有効期間は在留カードの有効期間と同じ。交付には約10日かかる。",
    ),
    (
        "8",
        "「交付日の後のN回目の誕生日」は交付日より後の誕生日を数え、その誕生日まで有効。2月29日生まれは平年には2月28日とする。「交付日からN年」はN年を経過する日まで。",
    ),
    (
        "8.1",
        "永住者（16歳以上）と高度専門職2号は交付日から7年、16歳未満の永住者は16歳の誕生日の前日まで、その他は在留期間の満了日まで。",
    ),
    (
        "8.2",
        "改正後（2026年6月14日以降）に交付される永住者（18歳以上）・高度専門職2号のカードは、交付日の後の10回目の誕生日まで有効。",
    ),
    (
        "8.3",
        "旧法では、16歳以上は申請日の後の7回目の誕生日まで、16歳未満は16歳の誕生日の前日まで有効。",
    ),
    (
        "8.4",
        "永住者・高度専門職2号・特別永住者は日本人と同じく交付日の後の10回目（18歳未満は5回目）の誕生日まで。その他は在留期間の満了日（その誕生日が先ならその日）まで。",
    ),
    (
        "8.5",
        "電子証明書は、交付日の後の5回目の誕生日、カードの有効期間、在留期間の満了日のうち最も早い日まで有効。署名用電子証明書は氏名・住所・性別・生年月日の変更で失効する。",
    ),
    (
        "8.6",
        "特定在留カードでは、マイナンバー機能の有効期間は在留カードとしての有効期間に従う。",
    ),
    (
        "9",
        "満了日までに申請して処分がない場合、処分の時または満了日から2か月を経過する日の早い方まで、従前の在留資格で在留できる。従来制度の個人番号カードは、延長（§5.13）しない限り元の満了日で失効する。",
    ),
    (
        "10",
        "期限の徒過はその結果とともに記録される。罰則は対象となり得ることを示すだけで、届出は受理される。個人番号カードの継続利用の期限を過ぎるとカードは失効する。",
    ),
    (
        "11",
        "特定在留カードはオンライン・出入国港では申請できず、他の手続に併せなければ申請できない。",
    ),
    ("12", "一体化後のカードでは、券面の記載事項の一部が減る。"),
    (
        "13",
        "11桁の基本番号の各桁に右から重み2〜7を掛けた和を11で割った余りをrとし、rが1以下なら0、それ以外は11−rを検査用数字とする。",
    ),
    (
        "14",
        "在留カード番号は英字2文字・数字8桁・英字2文字の12文字で、交付（再交付を含む）のたびに新しい番号となる。",
    ),
    (
        "15",
        "合成母集団の基となる統計（在留外国人約396万人など）。",
    ),
    (
        "16",
        "出典の間で見解が分かれる点や不明な点は、すべて既定値付きの政策スイッチにしてある。",
    ),
    ("17", "公開ガイドの主張を出典に照らして検証した結果。"),
];

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
        id: "5.14",
        en: "Departure for good",
        ja: "出国（国外転出）",
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

    /// The id of the section's note in an HTML report: `rule-5-4`.
    pub fn note_id(&self) -> String {
        format!("rule-{}", self.id.replace('.', "-"))
    }

    /// The rule the section states, in `lang`: in English the section's rule paragraph of
    /// docs/domain.md (read at build time), in Japanese its summary; empty when there is none.
    pub fn rule_text(&self, lang: crate::labels::Lang) -> &'static str {
        let table = match lang {
            crate::labels::Lang::En => DOMAIN_RULES,
            crate::labels::Lang::Ja => JA_RULES,
        };
        table
            .iter()
            .find(|(id, _)| *id == self.id)
            .map_or("", |(_, text)| *text)
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
    fn every_section_states_its_rule_in_japanese() {
        for s in SECTIONS {
            let c = Citation {
                id: s.id.to_owned(),
            };
            assert!(
                !c.rule_text(crate::labels::Lang::Ja).is_empty(),
                "§{}",
                s.id
            );
        }
        let c = Citation { id: "5.3".into() };
        assert!(c.rule_text(crate::labels::Lang::Ja).contains("90日"));
        assert_eq!(c.note_id(), "rule-5-3");
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
