//! The municipalities zairyu knows by name: those the synthetic population is drawn over and
//! those the bundled scenarios use, each with its key (the romanized machine name scenarios,
//! policies and logs carry, e.g. `yokohama-naka`) and its official name in 漢字 (横浜市中区).
//!
//! A municipality (市区町村) is a city, town, village or Tokyo special ward; in a designated
//! city (政令指定都市) the register is kept by the ward (区), so a ward is its own entry
//! (`osaka-ikuno`, 大阪市生野区). Source of the names: the list of local-government codes of
//! the Ministry of Internal Affairs and Communications (総務省「全国地方公共団体コード」), as
//! in force in 2026 [A]; `hamamatsu-naka` (浜松市中区, merged into 浜松市中央区 on 2024-01-01)
//! is kept because a bundled scenario uses it.
//!
//! Keys outside this table are allowed (the population's `other-001` … buckets, a scenario's own
//! invention): a report then shows the key.

use crate::ids::Municipality;

/// Every named municipality: (key, official name).
pub const NAMED: &[(&str, &str)] = &[
    ("adachi", "足立区"),
    ("arakawa", "荒川区"),
    ("bunkyo", "文京区"),
    ("chiba-chuo", "千葉市中央区"),
    ("edogawa", "江戸川区"),
    ("fukuoka-chuo", "福岡市中央区"),
    ("fukuoka-hakata", "福岡市博多区"),
    ("fukuoka-higashi", "福岡市東区"),
    ("funabashi", "船橋市"),
    ("hamamatsu", "浜松市"),
    ("hamamatsu-naka", "浜松市中区"),
    ("isesaki", "伊勢崎市"),
    ("itabashi", "板橋区"),
    ("katsushika", "葛飾区"),
    ("kawagoe", "川越市"),
    ("kawaguchi", "川口市"),
    ("kawasaki-kawasaki", "川崎市川崎区"),
    ("kawasaki-ku", "川崎市川崎区"),
    ("kita", "北区"),
    ("kobe-chuo", "神戸市中央区"),
    ("koto", "江東区"),
    ("kyoto-sakyo", "京都市左京区"),
    ("matsudo", "松戸市"),
    ("minato", "港区"),
    ("nagoya-naka", "名古屋市中区"),
    ("naha", "那覇市"),
    ("nakano", "中野区"),
    ("nerima", "練馬区"),
    ("okazaki", "岡崎市"),
    ("osaka-chuo", "大阪市中央区"),
    ("osaka-ikuno", "大阪市生野区"),
    ("ota", "大田区"),
    ("sapporo-chuo", "札幌市中央区"),
    ("sendai-aoba", "仙台市青葉区"),
    ("setagaya", "世田谷区"),
    ("shibuya", "渋谷区"),
    ("shinagawa", "品川区"),
    ("shinjuku", "新宿区"),
    ("soka", "草加市"),
    ("suginami", "杉並区"),
    ("sumida", "墨田区"),
    ("taito", "台東区"),
    ("toshima", "豊島区"),
    ("toyohashi", "豊橋市"),
    ("toyota", "豊田市"),
    ("tsukuba", "つくば市"),
    ("yokkaichi", "四日市市"),
    ("yokohama-naka", "横浜市中区"),
    ("yokohama-tsurumi", "横浜市鶴見区"),
];

/// The official name (漢字) of the municipality `m`, if zairyu knows it.
pub fn official_name(m: &Municipality) -> Option<&'static str> {
    NAMED
        .binary_search_by(|(key, _)| (*key).cmp(m.as_str()))
        .ok()
        .map(|i| NAMED[i].1)
}

/// Whether `m` is a municipality of [`NAMED`].
pub fn is_named(m: &Municipality) -> bool {
    official_name(m).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_by_key_without_repeats() {
        assert!(NAMED.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn keys_find_their_official_names() {
        assert_eq!(official_name(&"yokohama-naka".into()), Some("横浜市中区"));
        assert_eq!(official_name(&"shinjuku".into()), Some("新宿区"));
        assert_eq!(official_name(&"other-001".into()), None);
        assert!(!is_named(&"shinjuk".into()));
    }
}
