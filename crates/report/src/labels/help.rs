//! The command line's help in Japanese: the about of every command and the help of every
//! argument, one table (the English is clap's, from the doc comments of the CLI's argument
//! structs), clap's own headings, the help and version flags, and the placeholders of values.
//! A command is keyed by its path after `zairyu` (`""`, `run`, `compare`), an argument by that
//! path and its id (the field's name); the global options are the root's.
//!
//! Options, commands, file names and values one types stay as they are.

/// The Japanese about (the line in the list of commands, the first of its help) and, when the
/// help says more, the long about of the command at `path`.
pub fn command_help_ja(path: &str) -> Option<(&'static str, Option<&'static str>)> {
    let about = match path {
        "" => (
            "出入国在留管理庁、市区町村、J-LIS が外国人住民のカードの記録をどう揃えるかを、従来の\
             2枚の制度と一体化した特定在留カード（2026-06-14 から）の下で模擬する。すべての\
             手順は再生できる SQLite のログのイベントになる。",
            None,
        ),
        "run" => (
            "シナリオを実行し、経過（日付、窓口、起きたこと、その理由）、指標、期待の結果、ログの\
             ハッシュとログの保存先を表示する",
            Some(
                "シナリオを実行し、経過（日付、窓口、起きたこと、その理由）、指標、期待の結果、\
                 ログのハッシュとログの保存先を表示する。ログには、そこから作り直した分析用の表\
                 （residents、card_records、measures、notifications。docs/analysis.md）も書かれ、\
                 SQLite、pandas、DuckDB や zairyu export で使える。または合成母集団を1年分実行する\
                 （--population）：その指標とハッシュ、--db があればログ全体と同じ表。",
            ),
        ),
        "replay" => (
            "保存されたログからすべての射影を作り直し、実行が記録したハッシュと照合して、カードの\
             記録を表示する",
            Some(
                "保存されたログからすべての射影を作り直し、実行が記録したハッシュ（ログのハッシュ、\
                 最後の状態のハッシュ、形式 2 のログではコミットごとのハッシュ）と照合して、カードの\
                 記録を表示する。ログは読むだけで変えない。--policy か --set を付けると、保存された\
                 入力を別の政策でもう一度実行し、指標を比べる（反実仮想）。",
            ),
        ),
        "check" => (
            "シナリオファイル（またはディレクトリの下のすべての *.yaml）を実行し、期待ごとに合否を\
             報告する。期待が一つでも外れれば終了コード 1、ファイルが正しくなければ 2",
            None,
        ),
        "validate" => ("シナリオファイルを実行せずに読み、検証する", None),
        "explain" => (
            "シナリオや保存された実行を教材として説明する：日ごとの経過、Mermaid のシーケンス図、\
             または一つのファイルで完結する HTML の報告を、英語か日本語で",
            None,
        ),
        "compare" => (
            "シナリオか合成母集団を基準と改革の二つの政策で実行し、指標とその差を並べて表示する\
             （docs/what-if.md）",
            None,
        ),
        "diff" => (
            "保存された二つのイベントログを比べる：最初に違うところ（前後のイベントとともに）、\
             次に在留者とイベントの種類ごとの違い。同じ事実を同じ順に記録していれば終了コード 0、\
             違えば 1、入力が正しくなければ 2",
            None,
        ),
        "export" => (
            "保存された実行の分析用の表（residents、card_records、measures、notifications。\
             docs/analysis.md）を CSV、JSON、Parquet のファイルに書き出す。ログは変えない",
            None,
        ),
        "why" => (
            "在留者のカードの記録の一つの値を説明する：それを決めたイベント、それを計算したモデルの\
             規則の関数（規則集の節と確度とともに）、規則の入力、そこに至るイベントの連なり",
            None,
        ),
        "merge" => (
            "compare --shard k/n（または sweep --shard k/n）の JSON の結果を足し合わせ、母集団\
             全体の結果にする",
            None,
        ),
        "sweep" => (
            "合成母集団を政策のパラメータの格子のすべての点で、複数のシードについて実行する：\
             整然とした表一つ（CSV か Parquet、横に目録）、端末の表、または JSON（docs/sweep.md）",
            None,
        ),
        "simtest" => (
            "障害の下で窓口を試験する：シードから在留者と手続きを無作為に作り、通信の障害と停止の\
             下で実行し、イベントごとと最後に不変条件を確かめる（docs/reliability.md）",
            Some(
                "障害の下で窓口を試験する：シードから在留者と手続きを無作為に作り、通信の障害と\
                 停止の下で実行し、イベントごとと最後に不変条件を確かめる（docs/reliability.md）。\
                 失敗すると、シード、障害、再現するコマンドを表示し、縮めた事例をシナリオファイルに\
                 書く。失敗があれば終了コード 1。",
            ),
        ),
        "schema" => (
            "シナリオファイル（または政策ファイル）の形式の JSON スキーマを表示する。\
             schemas/*.schema.json と同じもの",
            None,
        ),
        "table" => (
            "手続きごとに、在留者が各制度で訪れる窓口を、シミュレーションから作って表示する\
             （従来の2枚の制度と一体化した特定在留カード）",
            None,
        ),
        "completions" => (
            "シェルの補完スクリプトを表示する。例：zairyu completions bash > \
             ~/.local/share/bash-completion/completions/zairyu",
            None,
        ),
        "man" => (
            "マニュアルページ（roff）を表示するか、コマンドごとのページをディレクトリに書く",
            None,
        ),
        "bench" => (
            "ベンチマーク：合成母集団を実際の窓口と保存に通し、同じ実行の中で同じ行を SQLite に\
             そのまま追加する速さを基準として測る",
            None,
        ),
        _ => return None,
    };
    Some(about)
}

/// The Japanese help of the argument `id` of the command at `path` (the global options are
/// the root's, `""`).
pub fn arg_help_ja(path: &str, id: &str) -> Option<&'static str> {
    let help = match (path, id) {
        // The options of every command.
        ("", "quiet") => {
            "表示を減らす：標準エラーにはエラーだけ、進捗表示なし。run は経過を省き、check は\
             失敗だけを表示する"
        }
        ("", "verbose") => {
            "表示を増やす：-v で実行の段階を標準エラーに（check はすべての確認も）、-vv で模擬する\
             日とコミットごとに一行、-vvv ですべて。RUST_LOG があれば、それが診断の表示を決める"
        }
        ("", "color") => {
            "出力に色を付けるとき：auto（端末に書き、NO_COLOR がないとき）、always、never"
        }
        ("", "lang") => {
            "出力の言葉の言語：en（英語）か ja（日本語）。識別子、日付、数はどちらでも同じ"
        }
        ("run", "scenario") => {
            "シナリオファイル（YAML。docs/scenario-format.md）、または --population"
        }
        ("run", "population") => {
            "代わりに指定した人数の在留者の合成母集団を --start から1年実行する（人数を省くと全国の \
             3,956,619 人）。既定の政策（または --policy、その後 --regime）で。--db がなければ\
             何も書かない"
        }
        ("run", "policy") => {
            "--population と：既定の政策に重ねる政策ファイル（YAML。compare --baseline と同じ形）"
        }
        ("run", "start") => "--population と：模擬する最初の日（1年を模擬する）",
        ("run", "threads") => {
            "--population と：作業スレッドの数（1 から 256。既定：使えるコア数）。ログとその\
             ハッシュはこれによらない"
        }
        ("run", "db") => {
            "イベントログ（SQLite、0600 で作る）の保存先。シナリオの既定は \
             runs/<シナリオ>.<制度>.db。母集団は --db があるときだけログを残す。そこにあるログは \
             --force がなければ断り、ほかのファイルには触れず、別の zairyu のプロセスが開いている\
             ログも断る"
        }
        ("run", "force") => "--db にある zairyu のログを置き換える（何があったかを表示する）",
        ("run", "resume") => {
            "--db にあるログの実行（止められたか止まった実行）を続ける：もう一度実行し、保存された\
             イベントを一つずつ照合して、残りを追加する。別のシナリオ、政策、シードのログや、この\
             実行が再現しないログは断り、そのままにする"
        }
        ("run", "as_of") => {
            "この日の終わりのカードの記録もログの card_records の表に保存する（繰り返せる。実行の\
             最後の日は常にある。docs/analysis.md）"
        }
        ("run", "seed") => "シナリオのシードを上書きする",
        ("run", "regime") => "シナリオの制度を上書きする",
        ("run", "format") => {
            "出力：人が読む text、または JSON の文書一つ（経過のイベント、指標、期待、ハッシュ）"
        }
        ("run", "step") => {
            "標準入力から一行ずつ読むコマンドで、実行を一歩ずつ進める（`help` で一覧。パイプで\
             渡せる）：次のイベント、次の日、ある日まで、各窓口から見た在留者の記録、途中での手順の\
             追加。終えると（`quit` か入力の終わり）、その時までのログを保存する"
        }
        ("replay", "db") => "zairyu run が書いた SQLite のログ",
        ("replay", "as_of") => {
            "この日（YYYY-MM-DD）の終わりのカードの記録を表示する。既定：実行の最後の日"
        }
        ("replay", "effective_on") => {
            "代わりに、ログの終わりまでに分かったことで、この日に法的に正しかったことを表示する：\
             イベントは窓口が知った日ではなく効力の生じた日から数える（遅れて届け出た転居は\
             転居の日から）"
        }
        ("replay", "resident") => "この在留者だけを表示する（シナリオでの在留者の識別子）",
        ("replay", "transcript") => "保存されたログの経過もその日まで表示する",
        ("replay", "expect_hash") => {
            "ログに記録されたハッシュに加えて、別に保管したこのログのハッシュ（zairyu run が表示\
             したもの）とも照合する"
        }
        ("replay", "policy") => {
            "反実仮想：保存された入力（シナリオ、シード）を、保存された政策にこの政策ファイルを\
             重ねてもう一度実行し（docs/what-if.md）、保存された実行と変えた実行の指標を、変えた\
             ログが保存されたログから最初に離れるところとともに表示する。保存された入力が保存された\
             ログにならなければ失敗する"
        }
        ("replay", "set") => {
            "反実仮想：保存された政策の一つの値を変える（繰り返せる。--policy の後に当てる）：\
             キーは政策ファイルの書き方の点で区切ったもの（`resident.tokutei_uptake=0.5`）か、\
             スイッチの名前（`disposition_at=decision`）"
        }
        ("replay", "scenario") => {
            "--policy/--set と：ログが実行したシナリオファイル。ログの記録した場所にもうないとき\
             （そのハッシュがログのものと一致すること）"
        }
        ("replay", "format") => {
            "出力：人が読む text、または JSON の文書一つ（カードの記録、ハッシュ、一致したか）"
        }
        ("check", "paths") | ("validate", "paths") => "シナリオファイルかディレクトリ",
        ("check", "regime") => "すべてのシナリオの制度を上書きする",
        ("check", "seed") => "すべてのシナリオのシードを上書きする",
        ("check", "format") => {
            "出力：text（失敗だけ。-v ですべての確認）、json、junit（CI の試験報告のための JUnit \
             XML。確認一つが試験一つ）、github（外れた期待の行へのワークフローの注記）"
        }
        ("validate", "format") => "出力：text、または JSON の文書一つ（ファイルごとの数）",
        ("explain", "input") => {
            "シナリオファイル（YAML。メモリ上で実行する）か保存されたログ（SQLite。zairyu run が\
             書いたもの）"
        }
        ("explain", "resident") => "この在留者だけを説明する（シナリオでの在留者の識別子）",
        ("explain", "format") => "出力の形式",
        ("explain", "compare_regimes") => {
            "シナリオを両方の制度で実行し、並べて示す（シナリオファイルのみ）"
        }
        ("explain", "out") => "標準出力の代わりにこのファイルに書く",
        ("compare", "scenario") => "比べるシナリオファイル（または --population）",
        ("compare", "population") => {
            "指定した人数の在留者の合成母集団（人数を省くと全国の 3,956,619 人）"
        }
        ("compare", "baseline") => "基準の政策ファイル（YAML。scenarios/what-if/ を参照）",
        ("compare", "reform") => "改革の政策ファイル",
        ("compare", "seeds") => {
            "シードの数（--seed から連続）。値はそれらについて要約する（中央値と 10〜90 パーセン\
             タイルの幅）。既定：母集団は 10（少ないと幅が両端とほとんど変わらない）、シナリオは 1\
             （手順が決まっている）"
        }
        ("compare", "seed") => "最初のシード。既定：1（シナリオではシナリオ自身のシード）",
        ("compare", "start") => "母集団の模擬する最初の日（1年を模擬する）",
        ("compare", "shard") | ("sweep", "shard") => {
            "在留者を母集団全体での番号（年内の入国者を含む）をシャードの数で割った余りで\
             シャードに分け、余りがそのシャードの番号のものだけを実行して zairyu merge のための \
             JSON を書く（k/n の形：分母がシャードの数、分子が 0 から数えたその番号）。まとめた結果は分けない実行と同じ。\
             ただし政策が窓口の受付数を定めると、各シャードの在留者はシャードの中だけで順番を\
             待つので同じにならない（docs/scale-out.md）"
        }
        ("compare", "shards") | ("sweep", "shards") => {
            "指定した数のシャードの一つを実行する。その番号はバッチスケジューラの配列タスクから\
             （SLURM_ARRAY_TASK_ID、JOB_COMPLETION_INDEX、AWS_BATCH_JOB_ARRAY_INDEX）。なければ \
             --shard k/n で指定する（docs/scale-out.md）"
        }
        ("compare", "format") | ("sweep", "format") => "出力の形式（既定：表。シャードでは json）",
        ("compare", "out") => {
            "標準出力の代わりにこのファイルに書く（全部書くか何も書かないか。CSV の目録はその横に、\
             ファイルの名前 + .manifest.json として）"
        }
        ("compare", "band") => "表が中央値の横に示す、シードにわたる幅",
        ("compare", "threads") => {
            "母集団の作業スレッドの数（1 から 256。既定：使えるコア数）。結果はこれによらない"
        }
        ("compare", "keep_sample") => {
            "母集団：シードから決まる指定した人数の標本のイベントログだけを、両方の政策について \
             DIR/baseline.db と DIR/reform.db に残す（--db を参照）。zairyu diff で分かれるところを\
             見るため（docs/what-if.md）"
        }
        ("compare", "db") => {
            "母集団：両方の政策のイベントログ全体を、それぞれ分析用の表（docs/analysis.md）とともに \
             DIR/baseline.db と DIR/reform.db に残す。最初のシードの、母集団全体（シャードではない）。\
             各政策はもう一度実行して保存し、比較が表示した指標にならなければならない。--keep-sample \
             と一緒なら標本のログだけ。ディレクトリはなければ作り、そこにあるログは断る"
        }
        ("diff", "a") => "一つ目のログ（SQLite。zairyu run が書いたもの）。読むだけで変えない",
        ("diff", "b") => "二つ目のログ",
        ("diff", "resident") => "この在留者のイベントだけを比べる（シナリオでの在留者の識別子）",
        ("diff", "context") => "最初の違いの前後に示すイベントの数",
        ("diff", "format") | ("merge", "format") => "出力の形式",
        ("export", "db") => "zairyu run が書いた SQLite のログ。読むだけで変えない",
        ("export", "format") => "ファイルの形式",
        ("export", "tables") => {
            "この表だけを書き出す（繰り返せる）：residents、card_records、measures、notifications。\
             既定：四つすべて"
        }
        ("export", "as_of") => "この日の終わりのカードの記録も（繰り返せる。イベントから作り直す）",
        ("export", "out") => {
            "表ごとに DIR/<表>.csv（または .json、.parquet）を書く。なければ --table で指定した\
             一つの表を標準出力に表示する（CSV か JSON のみ）"
        }
        ("why", "input") => {
            "シナリオファイル（YAML。メモリ上で実行する）か保存されたログ（SQLite。zairyu run が\
             書いたもの。読むだけで変えない）"
        }
        ("why", "resident") => "在留者（シナリオでの在留者の識別子）",
        ("why", "field") => {
            "カードの記録の値：residence_card.valid_through、tokutei_card.valid_through、\
             my_number_card.valid_through、tokutei_functions.valid_through、bureau.period_expiry、\
             city_hall.period_expiry など"
        }
        ("why", "on") => "この日（YYYY-MM-DD）の終わりの記録。既定：実行の最後の日",
        ("why", "format") => {
            "出力：人が読む text、または JSON の文書一つ（値、それを決めたイベント、規則、その入力、\
             連なり）"
        }
        ("merge", "files") => {
            "シャードの結果（compare --shard k/n か sweep --shard k/n が書いた JSON）。シャードごとに\
             一つ"
        }
        ("merge", "out") => {
            "標準出力の代わりにこのファイルに書く（CSV か Parquet の目録はその横に。compare や \
             sweep と同じ）"
        }
        ("merge", "band") => "比較の表が中央値の横に示す、シードにわたる幅",
        ("sweep", "population") => {
            "指定した人数の在留者の合成母集団（人数を省くと全国の 3,956,619 人）"
        }
        ("sweep", "policy") => "格子のどの点も始まる政策ファイル（既定：組み込みの既定値）",
        ("sweep", "grid") => {
            "格子の軸一つ：replay --set と同じ政策のキーと、コンマで区切ったその値（括弧の中の\
             コンマは値の一部）。例：`--grid resident.tokutei_uptake=0.1,0.5,0.9`。軸を増やすには\
             繰り返す。格子はすべての組み合わせ"
        }
        ("sweep", "seeds") => "シードの数（--seed から連続）。格子のどの点も同じ母集団を実行する",
        ("sweep", "seed") | ("simtest", "seed") => "最初のシード",
        ("sweep", "start") => "模擬する最初の日（1年を模擬する）",
        ("sweep", "out") => {
            "このファイルに書く（全部書くか何も書かないか。やり直したタスクが半端なファイルを\
             残さない）。CSV と Parquet の目録はその横に、ファイルの名前 + .manifest.json として"
        }
        ("sweep", "threads") | ("simtest", "threads") => {
            "作業スレッドの数（1 から 256。既定：使えるコア数）。結果はこれによらない"
        }
        ("simtest", "seeds") => "シードの数（--seed から連続）。一つ以上",
        ("simtest", "faults") => {
            "事例が受ける障害（値：mixed、none、reorder、redelivery、loss、outage）：mixed は\
             シードごとにほかのどれか、none はなし、reorder は遅れ、まとめ、重複、順の入れ替え\
             （失われない）、redelivery は失われて再送と重複、loss は失われたまま、outage は窓口が\
             何日か止まる（落ちることも）"
        }
        ("simtest", "out") => "失敗した事例を縮めてシナリオファイルとして書く場所",
        ("schema", "of") => "どのファイルの形式か",
        ("table", "format") => {
            "出力：text（手続きごとに一まとまり、100 桁以内）、markdown（docs/domain.md 用）、json"
        }
        ("table", "wide") => "text を手続きごとに一行、必要なだけの幅で",
        ("completions", "shell") => "シェル",
        ("man", "dir") => "代わりに zairyu.1 と zairyu-<コマンド>.1 をこのディレクトリに書く",
        ("bench", "residents") => "在留者の数（既定：100,000。--what-if では全国の 3,956,619 人）",
        ("bench", "what_if") => {
            "代わりに政策比較を測る：母集団を従来制度と一体化制度で実行する（シード一つ、ログなし。\
             compare --population と同じ）。経過時間、毎秒のイベント数、最大のメモリ、両方の\
             指標の要約（--threads によらず同じ）"
        }
        ("bench", "seed") => "母集団と実行のシード",
        ("bench", "regime") => "模擬する制度",
        ("bench", "batch") => "保存の一つのトランザクションのイベント数",
        ("bench", "threads") => {
            "シミュレーションのスレッドの数。それぞれが在留者のシャード一つを受け持つ（1 から \
             256。既定：使えるコア数）。ログとそのハッシュはこれによらない"
        }
        ("bench", "dir") => "ベンチマークのデータベースのディレクトリ（--keep がなければ後で消す）",
        ("bench", "keep") => "ベンチマークのデータベースを残す",
        ("bench", "json") => "数値を JSON で表示する",
        _ => return None,
    };
    Some(help)
}

/// The Japanese placeholder of a value clap names `name` (`FILE`, `DATE`, an argument's id in
/// capitals), if there is one.
pub fn value_name_ja(name: &str) -> Option<&'static str> {
    Some(match name {
        "SCENARIO" => "シナリオ",
        "POLICY" => "政策ファイル",
        "DATE" | "START" | "AS_OF" | "EFFECTIVE_ON" | "ON" => "日付",
        "N" | "K" | "SEEDS" | "RESIDENTS" | "THREADS" | "CONTEXT" | "BATCH" | "KEEP_SAMPLE"
        | "SHARDS" | "POPULATION" => "数",
        "DB" | "A" | "B" => "ログ",
        "SEED" => "シード",
        "REGIME" => "制度",
        "FORMAT" => "形式",
        "RESIDENT" => "在留者",
        "EXPECT_HASH" | "HASH" => "ハッシュ",
        "KEY=VALUE" | "SET" => "キー=値",
        "FILE" | "OUT" => "ファイル",
        "DIR" => "ディレクトリ",
        "WHEN" | "COLOR" => "いつ",
        "LANG" => "言語",
        "PATHS" => "パス",
        "INPUT" => "入力",
        "FIELD" => "値",
        "TABLE" | "TABLES" => "表",
        "SHARD" => "k/n",
        "BAND" => "幅",
        "BASELINE" | "REFORM" => "政策ファイル",
        "GRID" => "キー=値の並び",
        "FILES" => "結果のファイル",
        "FAULTS" => "障害",
        "OF" => "形式",
        "SHELL" => "シェル",
        "NAME" => "表",
        "PATH" => "値の名前",
        "KEY=V1,V2,…" => "キー=値,…",
        _ => return None,
    })
}

/// The help of the help flag.
pub fn help_flag_ja() -> &'static str {
    "ヘルプを表示する（-h は要約、--help は詳しく）"
}

/// The about of clap's `help` command.
pub fn help_command_ja() -> &'static str {
    "このヘルプか、指定したコマンドのヘルプを表示する"
}

/// The help of the version flag.
pub fn version_flag_ja() -> &'static str {
    "版を表示する"
}

/// The choices of an argument, after its help.
pub fn choices_ja(choices: &[String]) -> String {
    format!("（値：{}）", choices.join("、"))
}

/// The default of an argument, after its help.
pub fn default_ja(default: &str) -> String {
    format!("（既定：{default}）")
}

/// clap's usage line (`Usage: zairyu run [OPTIONS] [SCENARIO]`) with its words in Japanese; the
/// command and the options stay as typed.
pub fn usage_ja(usage: &str) -> String {
    usage
        .trim_start_matches("Usage: ")
        .replace("[OPTIONS]", "[オプション]")
        .replace("<COMMAND>", "<コマンド>")
}

/// The headings of the help.
pub fn usage_heading_ja() -> &'static str {
    "使い方："
}

pub fn commands_heading_ja() -> &'static str {
    "コマンド："
}

pub fn arguments_heading_ja() -> &'static str {
    "引数："
}

pub fn options_heading_ja() -> &'static str {
    "オプション："
}
