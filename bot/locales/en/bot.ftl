# Fuji Wellness bot: every user-facing string, English.

## /start and consent
welcome =
    Welcome to { $clinic }! 👋
    I answer questions about lower back and hip pain, acupuncture, our acupoints, exercises and posture, and I help you book a session.
disclaimer =
    I give general information from the clinic's own material. I cannot examine you or diagnose anything, and I do not replace a doctor. In an emergency call 119; for urgent medical advice in Tokyo call #7119.
consent-ask =
    May I store a few details so I can reply in your language and send the reminders you ask for? I would keep your Telegram id, language, time zone and when you last used the bot; the sessions, daily stretches, posture nudges and announcement setting you choose; and a record of each reminder or notice sent to you (kept 90 days). When you confirm or cancel a session, staff get a note with your Telegram first name. I never store the text of your questions. You can delete everything at any time with /forget.
consent-agree = ✅ I agree
consent-decline = Not now
consent-saved = Thank you. Your preferences are saved. Ask me anything, or tap /topics to browse.
consent-declined = No problem: nothing is stored. You can still ask me questions, and you can agree later with /start.
language-ask = Which language would you like?
language-set = I will reply in English.
start-next = Type a question, for example "Does acupuncture hurt?", or browse with /topics.

## /help
help =
    <b>What I can do</b>
    Just type a question about back or hip pain, acupuncture, exercises or the clinic.

    /topics – browse everything by section
    /book – booking link, address and map
    /appointment – add an upcoming session (I remind you before it)
    /appointments – your upcoming sessions
    /daily – a daily stretch at your chosen time
    /posture – posture nudges on workdays
    /timezone – your time zone
    /language – change the language
    /privacy – what I store about you
    /forget – delete everything about you
    /start – welcome, language and consent
    /help – this list

    I give general information, not a diagnosis. Emergency: 119. Urgent advice in Tokyo: #7119.

## Commands menu
cmd-start = Welcome, language and consent
cmd-help = What I can do
cmd-topics = Browse topics
cmd-book = Book a session, address and map
cmd-language = Change the language
cmd-privacy = What I store about you
cmd-forget = Delete everything about me

## /topics
topics-sections = Choose a section:
topics-in-section = <b>{ $section }</b>: choose a topic.
button-back-sections = « All sections
button-back-section = « { $section }

## Answers
related-header = Related topics:
fallback =
    I'm sorry, I don't have an answer to that in the clinic's material, and I'd rather not guess.
    I can help with lower back and hip pain, acupuncture, our six acupoints, exercises, posture, and booking. Try /topics to browse, or ask the clinic directly: { $email }.
fact-missing = not listed here; please ask the clinic ({ $email })

## Urgent advice
urgent-emergency =
    🚨 <b>Call 119 for an ambulance now.</b>
    { $reason } This needs a doctor straight away.
    119 is free from any phone and can connect you to an English interpreter.
    Acupuncture is not the right first step for this. Please get medical help first; we are glad to see you again once a doctor has checked you.
urgent-same-day =
    ⚠️ <b>Please see a doctor today.</b>
    { $reason } A doctor should check this before any acupuncture.
    For advice on how urgent it is and where to go, call #7119 (Tokyo, 24 hours; from phones that cannot dial it: 03-3212-2323 in the 23 wards, 042-521-2323 in the Tama area). For a child, call #8000. English-speaking clinics: Himawari 03-5285-8181 (9:00–20:00). If it gets worse, or you feel faint, confused or very unwell, call 119.
    Acupuncture is not the right first step for this.
reason-cauda-equina = Numbness between the legs, new bladder or bowel problems, or weakness or numbness in both legs can mean the nerves at the base of the spine are being squeezed.
reason-infection = Back pain with a fever or chills, especially after a spinal injection or surgery, can be a sign of infection.
reason-cancer = Back pain with a history of cancer, unexplained weight loss, or constant pain at night should be checked by a doctor.
reason-fracture = Sudden back pain after a fall or accident, or after a sneeze, a cough or a small strain with osteoporosis or long-term steroid medicines, can mean a broken bone.
reason-aneurysm = Sudden severe pain in the belly and back, especially with feeling faint or a cold sweat, can be a problem with the main blood vessel.
reason-pulsing-belly = A pulsing feeling in the belly together with back pain can be a swelling of the main blood vessel (an aneurysm).
reason-child-hip = A child with hip pain and a fever, or who will not walk or put weight on a leg, needs to be seen by a doctor straight away.
reason-unclear = What you describe can be a sign of something that needs a doctor before acupuncture.
reason-kidney = Pain in the side or back with fever, or blood in the urine, can be a kidney infection or stone.
reason-hip-fracture = Hip pain after a fall, especially if you cannot stand or the leg looks shorter or turned out, can mean a broken hip.
reason-septic-hip = A hot, swollen, very painful hip with fever can be an infected joint.
reason-chest-pain = Back pain together with chest pain can come from the heart or the main blood vessel.
reason-stroke = Sudden weakness or numbness on one side of the body, a drooping face or slurred speech can be a stroke.

## /book
book-intro = <b>Book a session at { $clinic }</b>
book-button = 📅 Book online
book-no-link = Online booking is not set up here yet. Please contact the clinic to book: { $email }
book-address = 📍 <b>Address</b>: { $address }
book-email = ✉️ <b>Email</b>: { $email }
book-phone = ☎️ <b>Phone</b>: { $phone }
book-map-button = 🗺 Open in maps

## /language
language-now = Current language: { $language }. Choose another if you like.
language-not-stored = To keep this choice next time, agree to storage with /start.

## /privacy and /forget
privacy-stored = <b>What I have stored about you now</b>: language { $language }, time zone { $timezone }, agreed on { $consented }.
privacy-nothing = <b>What I have stored about you now</b>: nothing. You have not agreed to storage.
forget-ask = Delete everything I have stored about you? This cannot be undone.
forget-confirm = 🗑 Yes, delete everything
forget-cancel = Keep my data
forget-done = Done: everything I stored about you has been deleted. If you message me again, I will not remember you unless you agree again with /start.
forget-nothing = I have nothing stored about you, so there is nothing to delete.
forget-cancelled = Nothing was deleted.

## Errors and edge cases
stale-button = Sorry, that button is no longer valid. Please use /topics or /start again.
group-go-private = I answer health questions only in a private chat, so your details stay private. Tap below to talk to me directly.
group-button = 💬 Open a private chat
error-apology = Sorry, something went wrong on my side. Please try again in a moment. In an emergency, call 119.
not-text = I can only read text messages. Please type your question.

## Reminders: shared
needs-consent = To keep reminders I need to store a few details first. Send /start and tap “I agree”.
button-confirm = ✅ Confirm
button-save = ✅ Confirm
button-cancel = ❌ Cancel
button-reschedule = 🔁 Reschedule
button-change = ✏️ Change
button-done = ✅ Done
button-skip = ⏭ Skip
button-pause-week = ⏸ Pause for a week
button-more = 📖 Read more
cmd-appointment = Add an upcoming session
cmd-appointments = My upcoming sessions
cmd-daily = Daily stretching prompt
cmd-posture = Posture nudges on workdays
cmd-timezone = My time zone

## /appointment
appointment-pick-day = Which day is your session? (Or type it, e.g. /appointment tomorrow 3pm)
appointment-pick-time = What time on { $day }?
appointment-check = Your session: <b>{ $when }</b> ({ $zone }). Is that right?
appointment-saved = Saved: <b>{ $when }</b>. I will remind you before it. See /appointments.
appointment-saved-no-reminder = Saved: <b>{ $when }</b>. It is too close for a reminder, so see you soon!
appointment-unreadable = Sorry, I could not read that date and time. Try for example /appointment 2026-12-03 15:30, /appointment tomorrow 3pm or /appointment 12/3 15:30.
appointment-no-time = Please add a time too, for example /appointment { $example }.
appointment-past = That time has already passed. Please send a time in the future.
appointment-too-far = That is more than a year away. Please send a date within the next year.
appointments-none = You have no upcoming sessions saved. Add one with /appointment.
appointments-list = <b>Your upcoming sessions</b> ({ $zone }):
appointment-cancel-button = ❌ Cancel { $when }
appointment-cancelled = Cancelled: { $when }. You will get no more reminders for it.
appointment-confirmed = Thank you! See you on { $when }.
appointment-gone = That session is no longer in your list.
reminder-session =
    ⏰ <b>Reminder: your session at { $clinic }</b>
    { $when }
    📍 { $address }
staff-confirmed = ✅ Patient { $patient } confirmed the session on { $when }.
staff-cancelled = ❌ Patient { $patient } cancelled the session on { $when }.

## /daily
daily-ask = At what time should I send your daily stretch? Tap one, or send for example /daily 07:30. Quiet hours: { $quiet }.
daily-set = Every day at <b>{ $time }</b> ({ $zone }) you will get one stretch, a different one each day. /daily off stops it.
daily-off = Daily stretches are off. /daily turns them on again.
daily-was-off = Daily stretches were not on.
daily-invalid = Please send a time like /daily 08:00, or /daily off.
daily-quiet = { $time } is within quiet hours ({ $quiet }), when I send nothing but session reminders. Please choose another time.
daily-intro = 🧘 <b>Today's stretch</b>
daily-streak =
    { $days ->
        [one] 🔥 1 day in a row. Keep it going!
       *[other] 🔥 { $days } days in a row. Keep it going!
    }
daily-done =
    { $days ->
        [one] Well done! That's 1 day in a row.
       *[other] Well done! That's { $days } days in a row.
    }
daily-skipped = Skipped for today. See you tomorrow.
daily-paused = Paused: no daily stretch for a week. /daily turns it back on sooner.

## /posture
posture-ask = Posture nudges remind you to move every { $minutes } minutes during { $hours } on weekdays ({ $zone }).
posture-on = Posture nudges are on: every { $minutes } minutes, { $hours } on weekdays ({ $zone }). /posture off stops them.
posture-off = Posture nudges are off.
posture-invalid = Please send /posture on, /posture on 09:00-17:00 (your own working hours) or /posture off.
posture-nudge =
    🪑 <b>Time for a short break</b>: stand up and move for a minute or two.
    Tip ({ $title }): { $tip }
button-on = ✅ On
button-off = Off

## /timezone
timezone-ask = Your time zone is <b>{ $zone }</b>. Tap another, or send for example /timezone Europe/London.
timezone-set = Time zone set to <b>{ $zone }</b>. Reminders follow your local clock.
timezone-invalid = “{ $zone }” is not a time zone I know. Please use a name like Asia/Tokyo or Europe/London.

## /notices
cmd-notices = Clinic announcements on or off
notices-ask = Clinic announcements (closures, schedule changes, new services) are <b>{ $state }</b> for you.
notices-on = You will receive the clinic's announcements. /notices off stops them.
notices-off = You will not receive the clinic's announcements. /notices on turns them back on.
notices-state-on = on
notices-state-off = off

## Staff
cmd-broadcast = Send a notice to patients
cmd-broadcasts = Recent notices and their delivery
cmd-stats = Counts: patients, subscriptions, sessions
staff-only = Sorry, this is for clinic staff only.
broadcast-compose = Send the notice now as your next message: text (formatting is kept) or a photo with a caption.
broadcast-empty = Please send text, or a photo with a caption.
broadcast-preview = ⬆️ This is exactly what patients will see. Who should get it?
audience-all = All patients
audience-en = English speakers
audience-ja = Japanese speakers
audience-daily = Daily-stretch subscribers
audience-s7 = Sessions in the next 7 days
broadcast-count =
    { $count ->
        [one] Audience: { $audience }. This will go to <b>1 patient</b>.
       *[other] Audience: { $audience }. This will go to <b>{ $count } patients</b>.
    }
button-send-now = 📨 Send now
button-schedule = 🕘 Schedule
button-send-anyway = ⚠️ Send anyway
button-schedule-anyway = ⚠️ Schedule anyway
button-stop = ⏹ Stop
broadcast-efficacy-warning = ⚠️ The text contains “{ $phrase }”. Japanese law (あはき法 Article 7) forbids clinics from advertising that treatment cures or guarantees results. Please reword it, or confirm that you still want to send it.
broadcast-ask-time = When should it go out? Send a time, for example “tomorrow 09:00” or “12/3 10:00” ({ $zone }).
broadcast-time-bad = I could not use that time. Please send a future time, for example “tomorrow 09:00”.
broadcast-scheduled = 🕘 Notice #{ $id } is scheduled for <b>{ $when }</b> ({ $zone }).
broadcast-sending = 📨 Notice #{ $id } is going out…
broadcast-progress =
    📨 Notice #{ $id }: sending
    Sent { $sent } · failed { $failed } · blocked { $blocked } · remaining { $remaining } of { $total }
    About { $minutes } min left.
broadcast-report =
    ✅ Notice #{ $id }: finished
    Sent { $sent } · failed { $failed } · blocked { $blocked } · not sent { $remaining } of { $total }
broadcast-stopped = ⏹ Notice #{ $id } stopped. Nobody else will get it.
broadcast-cancelled = Discarded. Nothing was sent.
broadcast-gone = That notice can no longer be changed.
broadcasts-none = No notices have been sent yet.
broadcasts-line = #{ $id } · { $when } · { $status } · sent { $sent }/{ $total } · failed { $failed } · blocked { $blocked }
stats =
    <b>Patients</b>: { $patients } (active in 30 days: { $active }, blocked the bot: { $blocked })
    <b>Subscriptions</b>: daily stretch { $daily }, posture { $posture }
    <b>Sessions</b> in the next 7 days: { $sessions }
    <b>Last 30 days</b>: { $confirmed } confirmed, { $cancelled } cancelled
    <b>Failed deliveries</b> in 7 days: { $failed }

## Pain diary (/pain, /diary)
cmd-pain = Record today's pain (0-10)
cmd-diary = My pain chart, export, share
help-diary =
    /pain – record today's pain, 0 to 10
    /diary – your pain chart; /diary export for a CSV file; /diary share to send it to the clinic; /diary stop to delete it
diary-needs-consent = The pain diary needs a few details stored first. Send /start and tap “I agree”.
diary-consent-ask =
    <b>Pain diary</b>
    I can keep a daily pain score (0 to 10) for you, with optional notes such as “worse after sitting”, and draw it as a chart with your session days, so you and your practitioner can see how it has gone.
    Pain scores are health information, so I keep them only with your separate agreement. They are stored with your Telegram id, used only to show you your diary, and reach the clinic only if you send your chart with /diary share. /forget deletes them with everything else.
diary-consent-agree = ✅ Start my diary
diary-consent-decline = Not now
diary-consent-saved = Thank you: your pain diary is on.
diary-consent-declined = No problem: no pain scores are stored. /pain asks again whenever you like.
diary-ask = How bad is your pain today? 0 = no pain, 10 = the worst you can imagine.
diary-saved = Saved: today's pain <b>{ $score }/10</b>. Anything that stood out today? (optional)
diary-tags-saved = Saved: today's pain <b>{ $score }/10</b> · { $tags }
diary-tag-no-score = Please tap today's score first (/pain).
diary-tag-sitting = Worse after sitting
diary-tag-exercise = After exercise
diary-tag-sleep = Slept badly
diary-tag-stress = Stressful day
diary-button-chart = 📈 My chart
diary-none = No pain scores yet in the last { $days } days. Tap /pain to add today's.
diary-chart-title = Your pain, last { $days } days
diary-chart-y = Pain (0 = none, 10 = worst)
diary-chart-x = Day
diary-chart-score = Pain score
diary-chart-trend = Trend
diary-chart-session = Session
diary-chart-caption =
    { $count ->
        [one] 📈 Your pain diary, last { $days } days: 1 score, average { $average }.
       *[other] 📈 Your pain diary, last { $days } days: { $count } scores, average { $average }.
    }
diary-button-days = Last { $days } days
diary-export-empty = There are no pain scores to export yet. Tap /pain to add today's.
diary-export-caption = Your pain diary as a CSV file (opens in any spreadsheet app).
diary-csv-day = date
diary-csv-score = pain (0-10)
diary-csv-tags = notes
diary-usage = Send /diary for your chart, /diary export for a CSV file, /diary share to send your chart to the clinic, or /diary stop to delete your diary.
diary-share-ask = Send your pain chart for the last 30 days to the clinic's staff? They will see your scores, your session days and your Telegram name.
diary-share-confirm = 📤 Send to the clinic
diary-share-cancel = Don't send
diary-share-sent = Sent: the clinic's staff can now see your chart.
diary-share-cancelled = Not sent. Your chart stays with you.
diary-share-nobody = Sharing is not set up at this clinic yet. You can show your chart at your next session.
diary-staff-caption = 📈 Patient { $patient } shared their pain diary (last 30 days).
privacy-diary = <b>Pain diary</b>: { $entries } scores since { $since } (agreed on { $consented }).
privacy-diary-empty = <b>Pain diary</b>: on since { $consented }, no scores yet.
privacy-diary-off = <b>Pain diary</b>: not kept.
stats-diary = <b>Pain diary</b>: kept by { $count } patients
daily-diary-on = The daily stretch will also ask for today's pain score. /daily diary off stops that.
daily-diary-off = The daily stretch will no longer ask for your pain score.
daily-diary-needs-daily = Turn on the daily stretch first (/daily), then add the pain question with /daily diary on.
daily-diary-ask = 📝 And how is your pain today (0-10)?

## Acupoint pictures (drawn by bot/services/acupoint_pictures.py)
acupoint-label-bl23 = BL23 Shenshu
acupoint-label-bl25 = BL25 Dachangshu
acupoint-label-gv4 = GV4 Mingmen
acupoint-label-gb30 = GB30 Huantiao
acupoint-label-bl40 = BL40 Weizhong
acupoint-label-li4 = LI4 Hegu
acupoint-view-bl23 = BL23 Shenshu: lower back, seen from behind
acupoint-view-bl25 = BL25 Dachangshu: lower back, seen from behind
acupoint-view-gv4 = GV4 Mingmen: lower back, seen from behind
acupoint-view-gb30 = GB30 Huantiao: right buttock and hip, seen from behind
acupoint-view-bl40 = BL40 Weizhong: back of the right knee
acupoint-view-li4 = LI4 Hegu: back of the right hand
landmark-sacrum = sacrum
landmark-crest-line = tops of the hip bones (≈ L4)
landmark-cun = 1.5 cun ≈ 2 finger widths
landmark-hiatus = sacral hiatus
landmark-trochanter = greater trochanter
landmark-midline = spine (midline)
landmark-third = one third of the way in from the trochanter
landmark-crease = knee crease
landmark-medial = inner side
landmark-lateral = outer side
landmark-metacarpal = 2nd metacarpal (index finger bone)
landmark-thumb = thumb
landmark-wrist = wrist
acupoint-picture-caption = 📍 Where { $point } is

## Calendar files (.ics)
calendar-button = 📅 Add to calendar
calendar-update-button = 📅 Update my calendar
calendar-button-when = 📅 Add { $when } to calendar
calendar-summary = Acupuncture session at { $clinic }
calendar-description = Your session at { $clinic }. To book, move or cancel: { $booking }
calendar-description-no-link = Your session at { $clinic }. To move or cancel it, contact { $email }.
calendar-alarm = Your session at { $clinic }
calendar-caption = 📅 Open this file to add the session to your calendar.
calendar-caption-cancelled = 📅 Open this file to take the cancelled session out of your calendar.

## Pain diary: stopping it
diary-stop-ask = Stop your pain diary and delete all { $entries } scores? Everything else stays as it is. This cannot be undone.
diary-stop-confirm = 🗑 Delete my diary
diary-stop-cancel = Keep it
diary-stopped = Done: your pain diary and its scores are deleted, and the daily stretch no longer asks about pain. /pain starts a new diary (after asking you again).
diary-stop-kept = Nothing was deleted.

## Pain diary: a chart on its way
diary-drawing = Your chart is being drawn; it will be here in a moment.
