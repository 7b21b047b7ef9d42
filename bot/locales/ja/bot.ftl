# Fuji Wellness ボット：利用者に表示する文言（日本語）

## /start と同意
welcome =
    { $clinic }へようこそ！👋
    腰痛・股関節の痛み、鍼灸、当院で使うツボ、ストレッチや姿勢についてのご質問にお答えし、ご予約のご案内もいたします。
disclaimer =
    当院の資料にもとづく一般的な情報をお伝えします。診察や診断はできず、医師の代わりにはなりません。緊急時は119番へ、東京で救急相談が必要なときは #7119 へお電話ください。
consent-ask =
    ご希望の言語でお返事し、お申し込みいただいたリマインダーをお送りするため、いくつかの情報を保存してもよろしいですか？ 保存するのは、TelegramのID、言語、タイムゾーン、最終利用日時、ご登録の予約・毎日のストレッチ・姿勢リマインダー・お知らせの受信設定、そしてお送りしたリマインダーやお知らせの送信記録（90日間保管）です。ご予約の確認・キャンセル時には、Telegramのお名前（名）がスタッフへの通知に表示されます。ご質問の文章は保存しません。/forget でいつでもすべて削除できます。
consent-agree = ✅ 同意する
consent-decline = 今はしない
consent-saved = ありがとうございます。設定を保存しました。ご質問をどうぞ。/topics から項目を選ぶこともできます。
consent-declined = 承知しました。何も保存していません。このままご質問いただけますし、あとから /start で同意することもできます。
language-ask = ご希望の言語を選んでください。
language-set = 日本語でお返事します。
start-next = 「鍼は痛いですか？」のようにご質問を入力するか、/topics から項目をお選びください。

## /help
help =
    <b>できること</b>
    腰や股関節の痛み、鍼灸、ストレッチ、当院についてのご質問を、そのまま入力してください。

    /topics – 項目ごとに見る
    /book – 予約リンク・住所・地図
    /appointment – 施術の予定を登録（前にお知らせします）
    /appointments – 登録した予定
    /daily – 毎日決まった時刻にストレッチをお届け
    /posture – 平日の姿勢リマインダー
    /timezone – タイムゾーン
    /language – 言語を変える
    /privacy – 保存している情報
    /forget – 保存した情報をすべて削除
    /start – ごあいさつ・言語・同意
    /help – この一覧

    一般的な情報であり、診断ではありません。緊急時は119番、東京の救急相談は #7119 へ。

## コマンドメニュー
cmd-start = ごあいさつ・言語・同意
cmd-help = できること
cmd-topics = 項目から探す
cmd-book = 予約・住所・地図
cmd-language = 言語を変える
cmd-privacy = 保存している情報
cmd-forget = 保存した情報をすべて削除

## /topics
topics-sections = 分野を選んでください：
topics-in-section = <b>{ $section }</b>：項目を選んでください。
button-back-sections = « 分野の一覧へ
button-back-section = « { $section }

## 回答
related-header = 関連する項目：
fallback =
    申し訳ありません。そのご質問にお答えできる内容が当院の資料になく、推測でお答えすることは控えます。
    腰痛・股関節の痛み、鍼灸、当院の6つのツボ、ストレッチ、姿勢、ご予約についてお答えできます。/topics から項目を選ぶか、当院へ直接お問い合わせください：{ $email }
fact-missing = こちらには掲載していません。当院へお問い合わせください（{ $email }）

## 緊急のご案内
urgent-emergency =
    🚨 <b>今すぐ119番に電話して救急車を呼んでください。</b>
    { $reason }すぐに医師の診察が必要です。
    迷わず119番へ。119番は無料で、英語など外国語の通訳にもつないでもらえます。
    この場合、鍼灸を最初に受けるのは適切ではありません。まず医療機関を受診してください。医師の診察を受けられたあと、またお待ちしております。
urgent-same-day =
    ⚠️ <b>今日中に医療機関を受診してください。</b>
    { $reason }鍼灸の前に、医師による確認が必要です。
    緊急度や受診先の相談は #7119（東京、24時間。つながらない電話からは 23区 03-3212-2323、多摩地区 042-521-2323）へ。お子さんの場合は #8000 へ。外国語で受診できる医療機関の案内は「ひまわり」03-5285-8181（9:00〜20:00）。悪化したとき、気が遠くなる、意識がおかしい、ひどく具合が悪いときは119番へ。
    この場合、鍼灸を最初に受けるのは適切ではありません。
reason-cauda-equina = 股の間のしびれ、新たな排尿・排便の異常、両足のしびれや力の入りにくさは、腰の下の神経が強く圧迫されているサインの可能性があります。
reason-infection = 腰や背中の痛みに発熱や寒気をともなう場合、特に注射や手術のあとでは、感染の可能性があります。
reason-cancer = がんの治療歴、原因のわからない体重減少、夜も続く痛みをともなう腰痛は、医師による確認が必要です。
reason-fracture = 転倒や事故のあと、または骨粗しょう症やステロイド薬を長く使っている方がくしゃみ・せき・軽い動作のあとに急に起きた腰痛は、骨折の可能性があります。
reason-aneurysm = お腹と腰に突然起きた激しい痛み、特に気が遠くなる感じや冷や汗をともなう場合は、大きな血管の異常の可能性があります。
reason-pulsing-belly = 腰の痛みとともにお腹がドクドクと脈打つ感じがある場合は、大きな血管のこぶ（動脈瘤）の可能性があります。
reason-child-hip = 股関節を痛がって熱がある、または歩こうとしない・足に体重をかけないお子さんは、すぐに医師の診察が必要です。
reason-unclear = おっしゃっている症状は、鍼灸の前に医師の診察が必要なサインの可能性があります。
reason-kidney = 発熱をともなうわき腹や背中の痛み、血尿は、腎臓の感染症や結石の可能性があります。
reason-hip-fracture = 転倒後の股関節の痛み、特に立てない、脚が短く見える・外側を向いている場合は、骨折の可能性があります。
reason-septic-hip = 熱をもって腫れた強い股関節の痛みに発熱をともなう場合は、関節の感染の可能性があります。
reason-chest-pain = 胸の痛みをともなう背中の痛みは、心臓や大きな血管が原因の可能性があります。
reason-stroke = 体の片側の急な脱力やしびれ、顔の片側が下がる、ろれつが回らないといった症状は、脳卒中の可能性があります。

## /book
book-intro = <b>{ $clinic }のご予約</b>
book-button = 📅 オンラインで予約
book-no-link = オンライン予約は準備中です。ご予約は当院までご連絡ください：{ $email }
book-address = 📍 <b>住所</b>：{ $address }
book-email = ✉️ <b>メール</b>：{ $email }
book-phone = ☎️ <b>電話</b>：{ $phone }
book-map-button = 🗺 地図で開く

## /language
language-now = 今の言語：{ $language }。変更する場合は選んでください。
language-not-stored = 次回もこの言語にするには、/start で情報の保存に同意してください。

## /privacy と /forget
privacy-stored = <b>現在保存している情報</b>：言語 { $language }、タイムゾーン { $timezone }、同意日 { $consented }。
privacy-nothing = <b>現在保存している情報</b>：ありません。保存への同意をいただいていません。
forget-ask = 保存している情報をすべて削除しますか？ 元に戻すことはできません。
forget-confirm = 🗑 すべて削除する
forget-cancel = 削除しない
forget-done = 保存していた情報をすべて削除しました。今後メッセージをいただいても、/start で改めて同意いただくまで何も保存しません。
forget-nothing = 保存している情報はないため、削除するものはありません。
forget-cancelled = 何も削除していません。

## エラーなど
stale-button = 申し訳ありません。このボタンは使えなくなりました。/topics または /start からもう一度お試しください。
group-go-private = 健康に関するご質問には、プライバシーを守るため個別のチャットでのみお答えします。下のボタンから直接話しかけてください。
group-button = 💬 個別チャットを開く
error-apology = 申し訳ありません。こちらで問題が起きました。少し時間をおいてもう一度お試しください。緊急時は119番へ。
not-text = 文字のメッセージのみ読み取れます。ご質問を入力してください。

## リマインダー：共通
needs-consent = リマインダーをお送りするには、いくつかの情報の保存が必要です。/start を送り「同意する」を押してください。
button-confirm = ✅ 伺います
button-save = ✅ 登録する
button-cancel = ❌ キャンセル
button-reschedule = 🔁 日時を変更
button-change = ✏️ 変更する
button-done = ✅ やりました
button-skip = ⏭ 今日は休む
button-pause-week = ⏸ 1週間お休み
button-more = 📖 詳しく見る
cmd-appointment = 施術の予定を登録
cmd-appointments = 登録した予定
cmd-daily = 毎日のストレッチ通知
cmd-posture = 平日の姿勢リマインダー
cmd-timezone = タイムゾーン

## /appointment
appointment-pick-day = 施術は何日ですか？（「/appointment 明日15時」のように入力することもできます）
appointment-pick-time = { $day }の何時ですか？
appointment-check = 施術の日時：<b>{ $when }</b>（{ $zone }）。よろしいですか？
appointment-saved = 登録しました：<b>{ $when }</b>。施術の前にお知らせします。/appointments で確認できます。
appointment-saved-no-reminder = 登録しました：<b>{ $when }</b>。間近のためリマインダーはお送りしません。お待ちしております。
appointment-unreadable = 申し訳ありません、日時を読み取れませんでした。例：/appointment 12月3日 15:30、/appointment 明日15時、/appointment 2026-12-03 15:30
appointment-no-time = 時刻も入力してください。例：/appointment { $example }
appointment-past = その日時はすでに過ぎています。これからの日時を入力してください。
appointment-too-far = 1年以上先の日時です。1年以内の日時を入力してください。
appointments-none = 登録された予定はありません。/appointment で登録できます。
appointments-list = <b>登録済みの施術の予定</b>（{ $zone }）：
appointment-cancel-button = ❌ { $when }をキャンセル
appointment-cancelled = キャンセルしました：{ $when }。この予定のリマインダーはもう届きません。
appointment-confirmed = ありがとうございます。{ $when }にお待ちしております。
appointment-gone = その予定は一覧にありません。
reminder-session =
    ⏰ <b>{ $clinic }の施術のお知らせ</b>
    { $when }
    📍 { $address }
staff-confirmed = ✅ 患者 { $patient } さんが { $when } の施術を確認しました。
staff-cancelled = ❌ 患者 { $patient } さんが { $when } の施術をキャンセルしました。

## /daily
daily-ask = 毎日のストレッチを何時にお送りしましょうか？ ボタンを押すか、「/daily 07:30」のように送ってください。お休み時間：{ $quiet }
daily-set = 毎日 <b>{ $time }</b>（{ $zone }）に、日替わりでストレッチを1つお送りします。/daily off で停止できます。
daily-off = 毎日のストレッチ通知を停止しました。/daily で再開できます。
daily-was-off = 毎日のストレッチ通知は設定されていません。
daily-invalid = 「/daily 08:00」のように時刻を送るか、「/daily off」と送ってください。
daily-quiet = { $time } はお休み時間（{ $quiet }）です。この時間は施術のお知らせ以外はお送りしません。別の時刻をお選びください。
daily-intro = 🧘 <b>今日のストレッチ</b>
daily-streak = 🔥 { $days }日連続です。この調子で続けましょう！
daily-done = お疲れさまでした！ { $days }日連続です。
daily-skipped = 今日はお休みですね。また明日。
daily-paused = 1週間お休みします。/daily で早めに再開できます。

## /posture
posture-ask = 姿勢リマインダーは、平日の{ $hours }（{ $zone }）に{ $minutes }分ごとに体を動かすようお知らせします。
posture-on = 姿勢リマインダーを開始しました：平日の{ $hours }（{ $zone }）に{ $minutes }分ごと。/posture off で停止できます。
posture-off = 姿勢リマインダーを停止しました。
posture-invalid = 「/posture on」、「/posture on 09:00-17:00」（ご自身の勤務時間）、または「/posture off」と送ってください。
posture-nudge =
    🪑 <b>ひと休みしましょう</b>：立ち上がって1〜2分体を動かしてください。
    ヒント（{ $title }）：{ $tip }
button-on = ✅ オン
button-off = オフ

## /timezone
timezone-ask = 現在のタイムゾーンは <b>{ $zone }</b> です。変更する場合はボタンを押すか、「/timezone Europe/London」のように送ってください。
timezone-set = タイムゾーンを <b>{ $zone }</b> に設定しました。お知らせは現地時刻に合わせて届きます。
timezone-invalid = 「{ $zone }」は認識できないタイムゾーンです。Asia/Tokyo や Europe/London のような名前で送ってください。

## /notices
cmd-notices = 当院からのお知らせの受け取り
notices-ask = 当院からのお知らせ（休診、予定の変更、新しいサービスなど）の受け取りは現在<b>{ $state }</b>です。
notices-on = 当院からのお知らせをお送りします。/notices off で停止できます。
notices-off = 当院からのお知らせをお送りしません。/notices on で再開できます。
notices-state-on = オン
notices-state-off = オフ

## スタッフ
cmd-broadcast = 患者さんへお知らせを送信
cmd-broadcasts = 最近のお知らせと配信状況
cmd-stats = 集計：患者数・登録・予定
staff-only = 申し訳ありません。この機能は当院スタッフ専用です。
broadcast-compose = 次のメッセージでお知らせを送ってください。文章（書式はそのまま）か、説明文付きの写真が使えます。
broadcast-empty = 文章か、説明文付きの写真を送ってください。
broadcast-preview = ⬆️ 患者さんにはこのとおりに表示されます。どなたに送りますか？
audience-all = すべての患者さん
audience-en = 英語の患者さん
audience-ja = 日本語の患者さん
audience-daily = 毎日のストレッチ登録者
audience-s7 = 7日以内に施術予定のある方
broadcast-count = 送信先：{ $audience }。<b>{ $count }人</b>に送信します。
button-send-now = 📨 今すぐ送信
button-schedule = 🕘 日時を指定
button-send-anyway = ⚠️ このまま送信
button-schedule-anyway = ⚠️ このまま予約
button-stop = ⏹ 停止
broadcast-efficacy-warning = ⚠️ 文中に「{ $phrase }」が含まれています。あはき法第7条により、施術で治る・効果を保証するといった広告は禁止されています。表現を見直すか、このまま送信するか確認してください。
broadcast-ask-time = いつ送信しますか？「明日 9:00」「12/3 10:00」のように送ってください（{ $zone }）。
broadcast-time-bad = その日時は使えません。「明日 9:00」のように、これからの日時を送ってください。
broadcast-scheduled = 🕘 お知らせ #{ $id } を <b>{ $when }</b>（{ $zone }）に送信予約しました。
broadcast-sending = 📨 お知らせ #{ $id } を送信しています…
broadcast-progress =
    📨 お知らせ #{ $id }：送信中
    送信 { $sent } ・ 失敗 { $failed } ・ ブロック { $blocked } ・ 残り { $remaining }（全 { $total }）
    あと約 { $minutes } 分
broadcast-report =
    ✅ お知らせ #{ $id }：完了
    送信 { $sent } ・ 失敗 { $failed } ・ ブロック { $blocked } ・ 未送信 { $remaining }（全 { $total }）
broadcast-stopped = ⏹ お知らせ #{ $id } を停止しました。これ以上は送信されません。
broadcast-cancelled = 破棄しました。何も送信していません。
broadcast-gone = このお知らせはもう変更できません。
broadcasts-none = まだお知らせは送信されていません。
broadcasts-line = #{ $id } ・ { $when } ・ { $status } ・ 送信 { $sent }/{ $total } ・ 失敗 { $failed } ・ ブロック { $blocked }
stats =
    <b>患者数</b>：{ $patients }（30日以内に利用：{ $active }、ボットをブロック：{ $blocked }）
    <b>登録</b>：毎日のストレッチ { $daily }、姿勢リマインダー { $posture }
    <b>7日以内の施術予定</b>：{ $sessions }
    <b>過去30日</b>：確認 { $confirmed }、キャンセル { $cancelled }
    <b>7日以内の配信失敗</b>：{ $failed }

## 痛み日記（/pain、/diary）
cmd-pain = 今日の痛みを記録（0〜10）
cmd-diary = 痛みのグラフ・書き出し・共有
help-diary =
    /pain – 今日の痛みを0〜10で記録
    /diary – 痛みのグラフ。「/diary 書き出し」でCSVファイル、「/diary 共有」で当院に送信、「/diary 削除」で日記を削除
diary-needs-consent = 痛み日記には、いくつかの情報の保存が必要です。/start を送り「同意する」を押してください。
diary-consent-ask =
    <b>痛み日記</b>
    毎日の痛みを0〜10の点数で記録し、「座った後に悪化」などのメモも残せます。施術日と合わせてグラフにするので、ご自身と施術者で経過を確認できます。
    痛みの点数は健康に関する情報のため、別途ご同意いただいた場合にのみ保存します。Telegram ID と一緒に保存し、日記の表示にだけ使います。当院に届くのは、「/diary 共有」でグラフを送った場合だけです。/forget で他の情報と一緒に削除できます。
diary-consent-agree = ✅ 日記を始める
diary-consent-decline = 今はしない
diary-consent-saved = ありがとうございます。痛み日記を開始しました。
diary-consent-declined = 承知しました。痛みの点数は保存しません。/pain でいつでも始められます。
diary-ask = 今日の痛みはどのくらいですか？ 0＝痛みなし、10＝想像できる最悪の痛み。
diary-saved = 記録しました：今日の痛み <b>{ $score }/10</b>。今日、気になったことはありますか？（任意）
diary-tags-saved = 記録しました：今日の痛み <b>{ $score }/10</b> ・ { $tags }
diary-tag-no-score = 先に今日の点数を押してください（/pain）。
diary-tag-sitting = 座った後に悪化
diary-tag-exercise = 運動の後
diary-tag-sleep = よく眠れなかった
diary-tag-stress = ストレスの多い日
diary-button-chart = 📈 グラフを見る
diary-none = 過去{ $days }日間の記録はまだありません。/pain で今日の痛みを記録してください。
diary-chart-title = 痛みの記録（過去{ $days }日）
diary-chart-y = 痛み（0＝なし、10＝最悪）
diary-chart-x = 日付
diary-chart-score = 痛みの点数
diary-chart-trend = 傾向
diary-chart-session = 施術日
diary-chart-caption = 📈 痛み日記（過去{ $days }日）：記録 { $count }件、平均 { $average }。
diary-button-days = 過去{ $days }日
diary-export-empty = 書き出す記録はまだありません。/pain で今日の痛みを記録してください。
diary-export-caption = 痛み日記のCSVファイルです（表計算アプリで開けます）。
diary-csv-day = 日付
diary-csv-score = 痛み（0〜10）
diary-csv-tags = メモ
diary-usage = /diary でグラフ、「/diary 書き出し」でCSVファイル、「/diary 共有」でグラフを当院に送信、「/diary 削除」で日記を削除します。
diary-share-ask = 過去30日間の痛みのグラフを当院のスタッフに送りますか？ 点数、施術日、Telegram の名前がスタッフに表示されます。
diary-share-confirm = 📤 当院に送る
diary-share-cancel = 送らない
diary-share-sent = 送信しました。当院のスタッフがグラフを確認できます。
diary-share-cancelled = 送信していません。グラフはお手元だけにあります。
diary-share-nobody = この院ではまだ共有の設定がありません。次回の施術時にグラフをお見せください。
diary-staff-caption = 📈 患者 { $patient } さんが痛み日記（過去30日）を共有しました。
privacy-diary = <b>痛み日記</b>：{ $since } から { $entries } 件（同意日 { $consented }）。
privacy-diary-empty = <b>痛み日記</b>：{ $consented } から開始、記録はまだありません。
privacy-diary-off = <b>痛み日記</b>：記録していません。
stats-diary = <b>痛み日記</b>：{ $count }人が記録中
daily-diary-on = 毎日のストレッチで、今日の痛みもお聞きします。「/daily 日記 オフ」で止められます。
daily-diary-off = 毎日のストレッチで痛みをお聞きするのをやめました。
daily-diary-needs-daily = 先に毎日のストレッチを登録し（/daily）、その後「/daily 日記 オン」で痛みの質問を追加してください。
daily-diary-ask = 📝 今日の痛みはどのくらいですか（0〜10）？

## ツボの図（bot/services/acupoint_pictures.py で作図）
acupoint-label-bl23 = 腎兪（じんゆ）BL23
acupoint-label-bl25 = 大腸兪（だいちょうゆ）BL25
acupoint-label-gv4 = 命門（めいもん）GV4
acupoint-label-gb30 = 環跳（かんちょう）GB30
acupoint-label-bl40 = 委中（いちゅう）BL40
acupoint-label-li4 = 合谷（ごうこく）LI4
acupoint-view-bl23 = 腎兪（じんゆ）：腰を後ろから見た図
acupoint-view-bl25 = 大腸兪（だいちょうゆ）：腰を後ろから見た図
acupoint-view-gv4 = 命門（めいもん）：腰を後ろから見た図
acupoint-view-gb30 = 環跳（かんちょう）：右のお尻と股関節を後ろから見た図
acupoint-view-bl40 = 委中（いちゅう）：右ひざの裏
acupoint-view-li4 = 合谷（ごうこく）：右手の甲
landmark-sacrum = 仙骨
landmark-crest-line = 左右の骨盤の上端を結ぶ線（≈ L4）
landmark-cun = 1.5寸 ≈ 指2本分
landmark-hiatus = 仙骨裂孔
landmark-trochanter = 大転子
landmark-midline = 背骨（正中線）
landmark-third = 大転子から3分の1
landmark-crease = ひざ裏のしわ
landmark-medial = 内側
landmark-lateral = 外側
landmark-metacarpal = 第2中手骨（人差し指の骨）
landmark-thumb = 親指
landmark-wrist = 手首
acupoint-picture-caption = 📍 { $point } の位置

## カレンダー用ファイル（.ics）
calendar-button = 📅 カレンダーに追加
calendar-update-button = 📅 カレンダーを更新
calendar-button-when = 📅 { $when } をカレンダーに追加
calendar-summary = { $clinic } 鍼灸施術
calendar-description = { $clinic } での施術です。予約・変更・キャンセル：{ $booking }
calendar-description-no-link = { $clinic } での施術です。変更・キャンセルは { $email } までご連絡ください。
calendar-alarm = { $clinic } の施術
calendar-caption = 📅 このファイルを開くと、カレンダーに施術の予定を追加できます。
calendar-caption-cancelled = 📅 このファイルを開くと、キャンセルした予定をカレンダーから削除できます。

## 痛み日記をやめる
diary-stop-ask = 痛み日記をやめて、記録 { $entries } 件をすべて削除しますか？ その他の設定はそのままです。元に戻すことはできません。
diary-stop-confirm = 🗑 日記を削除する
diary-stop-cancel = 残す
diary-stopped = 痛み日記と記録をすべて削除しました。毎日のストレッチで痛みをお聞きすることもありません。/pain で（改めて同意をいただいたうえで）新しく始められます。
diary-stop-kept = 何も削除していません。

## 痛み日記：グラフ作成中
diary-drawing = グラフを作成中です。まもなくお届けします。
