// Interface texts in Kyrgyz, Russian and English. Keys are used by data-i18n attributes and by t().
// Kyrgyz and Russian texts follow the Ministry's usual wording; corrections welcome (one place to edit).
"use strict";
const I18N = {
  en: {
    logout: "Log out", growth: "growth", confirm_escalate: "Raise {id} to {level}?", audit: "Audit log", who: "Who", action: "Action", login_title: "Duty officer login", username: "User name", password: "Password", login: "Log in",
    live_title: "live updates", tab_stations: "Stations", tab_alerts: "Alerts", tab_evacuation: "Evacuation",
    station: "Station", state: "State", last: "Last reading", values: "Latest values", no_data: "No readings in this window.",
    issue_title: "Issue an alert", level: "Level", hazard: "Hazard", lake: "Lake", zones: "Zones", reason: "Reason",
    drill: "Drill (exercise)", issue: "Issue…", timeline: "Alert timeline", deliveries: "Deliveries", recipient: "Recipient",
    channel: "Channel", status: "Status", time: "Time", board_for: "Alert", needs_help: "Needs help (vulnerable first)",
    household: "Household", zone: "Zone", members: "Members", vulnerable: "Vulnerable", why: "Answer", back: "Back", confirm: "Confirm",
    lvl_advisory: "advisory", lvl_watch: "watch", lvl_warning: "warning", lvl_evacuate: "evacuate", lvl_all_clear: "all clear",
    lvl_cancel: "cancelled", lvl_test: "test", hz_debris_flow: "debris flow", hz_flood: "flood", hz_glof: "GLOF",
    st_ok: "ok", st_late: "late", st_silent: "silent", st_never: "no data",
    confirm_issue: "Issue {level} ({hazard}) to {zones}?", confirm_drill: "Start a DRILL at level {level} in {zones}?",
    confirm_issue_text: "Every household in these zones will be contacted. This is recorded in the audit log under your name.",
    confirm_cancel: "Cancel alert {id}?", confirm_clear: "Declare all clear for {id}?",
    confirm_cancel_text: "Households are told the alert is cancelled. Give the reason.",
    cancel: "Cancel", all_clear: "All clear", drill_tag: "DRILL", ended: "ended", no_alerts: "No alerts yet.",
    need_zone: "Choose at least one zone.", need_reason: "Give a reason (at least 3 characters).",
    login_failed: "Wrong user name or password.", wait: "Too many attempts; wait {s} s.",
    c_targeted: "targeted", c_warned: "warned", c_reached: "reached", c_acknowledged: "acknowledged", c_safe: "safe",
    c_need_help: "need help", c_evacuated: "evacuated", c_people_evacuated: "people evacuated", c_still_need_help: "still need help",
    c_households: "households", c_households_targeted: "households targeted", c_people_targeted: "people targeted", phone: "Phone", mark_safe: "answered: safe (by phone)", mark_shelter: "arrived at the shelter", confirm_safe: "Record that {hh} is safe?", confirm_shelter: "Record that {hh} arrived at {shelter}?", c_people: "people", active: "active", map_lakes: "lakes", map_zones: "zones",
    map_stations: "stations", map_sirens: "sirens", map_shelters: "shelters", map_households: "households", map_rivers: "flow paths",
    nothing_active: "No alert selected.", by: "by", role_viewer: "viewer", role_operator: "operator", role_admin: "admin",
    sensor: "Sensor", maint_title: "Maintenance (technician at a station)", maint_all: "all sensors", maint_hours: "Hours",
    maint_open: "Start maintenance…", maint_until: "maintenance until {t}", maint_from: "maintenance from {t}", maint_end: "End",
    maint_end_title: "End the maintenance now", need_hours: "Hours: more than 0, at most 72.",
    confirm_maint: "Start maintenance of {station} ({sensor}) until {t}?",
    confirm_maint_text: "Detection ignores its readings until then and starts its history afresh after. This is recorded in the audit log under your name.",
    confirm_maint_end: "End maintenance of {station} now?", confirm_maint_end_text: "Its readings count again from now on. Give the reason.",
  },
  ru: {
    logout: "Выйти", growth: "рост", confirm_escalate: "Повысить {id} до уровня «{level}»?", audit: "Журнал аудита", who: "Кто", action: "Действие", login_title: "Вход дежурного", username: "Имя пользователя", password: "Пароль", login: "Войти",
    live_title: "обновления в реальном времени", tab_stations: "Станции", tab_alerts: "Оповещения", tab_evacuation: "Эвакуация",
    station: "Станция", state: "Состояние", last: "Последнее измерение", values: "Последние значения",
    no_data: "Нет данных за этот период.", issue_title: "Выпустить оповещение", level: "Уровень", hazard: "Угроза", lake: "Озеро",
    zones: "Зоны", reason: "Причина", drill: "Учения", issue: "Выпустить…", timeline: "Хронология оповещений",
    deliveries: "Доставка", recipient: "Получатель", channel: "Канал", status: "Статус", time: "Время", board_for: "Оповещение",
    needs_help: "Нужна помощь (сначала уязвимые)", household: "Домохозяйство", zone: "Зона", members: "Человек",
    vulnerable: "Уязвимые", why: "Ответ", back: "Назад", confirm: "Подтвердить",
    lvl_advisory: "информация", lvl_watch: "внимание", lvl_warning: "предупреждение", lvl_evacuate: "эвакуация",
    lvl_all_clear: "отбой", lvl_cancel: "отменено", lvl_test: "проверка", hz_debris_flow: "сель", hz_flood: "паводок",
    hz_glof: "прорыв озера", st_ok: "в норме", st_late: "опаздывает", st_silent: "молчит", st_never: "нет данных",
    confirm_issue: "Выпустить «{level}» ({hazard}) для зон {zones}?", confirm_drill: "Начать УЧЕНИЯ уровня «{level}» в зонах {zones}?",
    confirm_issue_text: "Будут оповещены все домохозяйства этих зон. Действие записывается в журнал аудита под вашим именем.",
    confirm_cancel: "Отменить оповещение {id}?", confirm_clear: "Объявить отбой для {id}?",
    confirm_cancel_text: "Жителям сообщат об отмене. Укажите причину.", cancel: "Отменить", all_clear: "Отбой",
    drill_tag: "УЧЕНИЯ", ended: "завершено", no_alerts: "Оповещений пока нет.", need_zone: "Выберите хотя бы одну зону.",
    need_reason: "Укажите причину (не менее 3 символов).", login_failed: "Неверное имя пользователя или пароль.",
    wait: "Слишком много попыток; подождите {s} с.", c_targeted: "охвачено", c_warned: "оповещено", c_reached: "доставлено",
    c_acknowledged: "подтвердили", c_safe: "в безопасности", c_need_help: "нужна помощь", c_evacuated: "эвакуировано",
    c_people_evacuated: "людей эвакуировано", c_still_need_help: "ещё нужна помощь", c_households: "домохозяйств", c_households_targeted: "домохозяйств в зоне", c_people_targeted: "людей в зоне", phone: "Телефон", mark_safe: "ответили: в безопасности (по телефону)", mark_shelter: "прибыли в пункт сбора", confirm_safe: "Отметить, что {hh} в безопасности?", confirm_shelter: "Отметить, что {hh} прибыли в {shelter}?",
    c_people: "человек", active: "действует", map_lakes: "озёра", map_zones: "зоны", map_stations: "станции", map_sirens: "сирены",
    map_shelters: "пункты сбора", map_households: "домохозяйства", map_rivers: "пути потока", nothing_active: "Оповещение не выбрано.",
    by: "кем", role_viewer: "наблюдатель", role_operator: "оператор", role_admin: "администратор",
    sensor: "Датчик", maint_title: "Техобслуживание (техник на станции)", maint_all: "все датчики", maint_hours: "Часов",
    maint_open: "Начать обслуживание…", maint_until: "обслуживание до {t}", maint_from: "обслуживание с {t}", maint_end: "Завершить",
    maint_end_title: "Завершить обслуживание сейчас", need_hours: "Часы: больше 0, не более 72.",
    confirm_maint: "Начать обслуживание {station} ({sensor}) до {t}?",
    confirm_maint_text: "До этого времени её показания не учитываются при обнаружении, после история начинается заново. Действие записывается в журнал аудита под вашим именем.",
    confirm_maint_end: "Завершить обслуживание {station} сейчас?", confirm_maint_end_text: "С этого момента её показания снова учитываются. Укажите причину.",
  },
  ky: {
    logout: "Чыгуу", growth: "өсүү", confirm_escalate: "{id} «{level}» деңгээлине көтөрүлсүнбү?", audit: "Аудит журналы", who: "Ким", action: "Аракет", login_title: "Кезметчинин кирүүсү", username: "Колдонуучунун аты", password: "Сырсөз", login: "Кирүү",
    live_title: "түз жаңылоолор", tab_stations: "Станциялар", tab_alerts: "Эскертүүлөр", tab_evacuation: "Эвакуация",
    station: "Станция", state: "Абалы", last: "Акыркы өлчөө", values: "Акыркы маанилер", no_data: "Бул мезгилде маалымат жок.",
    issue_title: "Эскертүү чыгаруу", level: "Деңгээл", hazard: "Коркунуч", lake: "Көл", zones: "Зоналар", reason: "Себеби",
    drill: "Машыгуу (окуу)", issue: "Чыгаруу…", timeline: "Эскертүүлөрдүн хронологиясы", deliveries: "Жеткирүү",
    recipient: "Алуучу", channel: "Канал", status: "Абалы", time: "Убакыт", board_for: "Эскертүү",
    needs_help: "Жардам керек (алгач аялуулар)", household: "Үй-бүлө", zone: "Зона", members: "Адам", vulnerable: "Аялуу",
    why: "Жооп", back: "Артка", confirm: "Ырастоо", lvl_advisory: "маалымат", lvl_watch: "көңүл буруу",
    lvl_warning: "эскертүү", lvl_evacuate: "эвакуация", lvl_all_clear: "коркунуч өттү", lvl_cancel: "жокко чыгарылды",
    lvl_test: "текшерүү", hz_debris_flow: "сел", hz_flood: "суу ташкыны", hz_glof: "көлдүн жарылышы",
    st_ok: "жакшы", st_late: "кечигүүдө", st_silent: "үнсүз", st_never: "маалымат жок",
    confirm_issue: "{zones} зоналарына «{level}» ({hazard}) чыгарылсынбы?",
    confirm_drill: "{zones} зоналарында «{level}» деңгээлинде МАШЫГУУ башталсынбы?",
    confirm_issue_text: "Бул зоналардагы бардык үй-бүлөлөргө кабар берилет. Аракет сиздин атыңыз менен аудит журналына жазылат.",
    confirm_cancel: "{id} эскертүүсү жокко чыгарылсынбы?", confirm_clear: "{id} үчүн коркунуч өттү деп жарыялансынбы?",
    confirm_cancel_text: "Тургундарга жокко чыгаруу тууралуу кабарланат. Себебин жазыңыз.", cancel: "Жокко чыгаруу",
    all_clear: "Коркунуч өттү", drill_tag: "МАШЫГУУ", ended: "бүттү", no_alerts: "Азырынча эскертүү жок.",
    need_zone: "Жок дегенде бир зона тандаңыз.", need_reason: "Себебин жазыңыз (кеминде 3 белги).",
    login_failed: "Колдонуучунун аты же сырсөз туура эмес.", wait: "Аракеттер өтө көп; {s} сек күтүңүз.",
    c_targeted: "камтылган", c_warned: "кабарланган", c_reached: "жеткирилген", c_acknowledged: "ырастаган",
    c_safe: "коопсуз", c_need_help: "жардам керек", c_evacuated: "эвакуацияланган", c_people_evacuated: "эвакуацияланган адам",
    c_still_need_help: "дагы жардам керек", c_households: "үй-бүлө", c_households_targeted: "зонадагы үй-бүлө", c_people_targeted: "зонадагы адам", phone: "Телефон", mark_safe: "жооп берди: коопсуз (телефон аркылуу)", mark_shelter: "чогулуу пунктуна келди", confirm_safe: "{hh} коопсуз деп белгиленсинби?", confirm_shelter: "{hh} {shelter} пунктуна келди деп белгиленсинби?", c_people: "адам", active: "күчүндө", map_lakes: "көлдөр",
    map_zones: "зоналар", map_stations: "станциялар", map_sirens: "сиреналар", map_shelters: "чогулуу пункттары",
    map_households: "үй-бүлөлөр", map_rivers: "агым жолдору", nothing_active: "Эскертүү тандалган жок.", by: "ким",
    role_viewer: "байкоочу", role_operator: "оператор", role_admin: "администратор",
    sensor: "Датчик", maint_title: "Техникалык тейлөө (станцияда техник)", maint_all: "бардык датчиктер", maint_hours: "Саат",
    maint_open: "Тейлөөнү баштоо…", maint_until: "{t} чейин тейлөөдө", maint_from: "{t} баштап тейлөө", maint_end: "Бүтүрүү",
    maint_end_title: "Тейлөөнү азыр бүтүрүү", need_hours: "Саат: 0дөн көп, 72ден ашпасын.",
    confirm_maint: "{station} ({sensor}) {t} чейин тейлөөгө коюлсунбу?",
    confirm_maint_text: "Ошол убакытка чейин анын көрсөткүчтөрү эске алынбайт, андан кийин тарыхы жаңыдан башталат. Аракет сиздин атыңыз менен аудит журналына жазылат.",
    confirm_maint_end: "{station} тейлөөсү азыр бүтүрүлсүнбү?", confirm_maint_end_text: "Мындан баштап анын көрсөткүчтөрү кайра эске алынат. Себебин жазыңыз.",
  },
};

let LANG = localStorage.getItem("glofwatch.lang") || "ky";

function t(key, vars) {
  let s = (I18N[LANG] && I18N[LANG][key]) || I18N.en[key] || key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll("{" + k + "}", v);
  return s;
}

function applyI18n(root) {
  (root || document).querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  (root || document).querySelectorAll("[data-i18n-title]").forEach((el) => { el.title = t(el.dataset.i18nTitle); });
  document.documentElement.lang = LANG;
}
