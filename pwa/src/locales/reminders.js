// Strings of task reminders (the notice in the open app, system notifications and the setting),
// per language. Every language has every English key with the same placeholders (a unit test
// checks it). {when} is a relative time the browser words ("in 12 minutes"), {time} a clock time.
export default {
  en: {
    "reminder.due": "Reminder: “{title}” is due {when} ({time}).",
    "reminder.open": "Open",
    "reminder.dismiss": "Dismiss",
    "reminder.dismissLabel": "Dismiss the reminder for “{title}”",
    "settings.reminders": "Remind me before a task is due",
    "settings.remindersOff": "Never",
    "settings.remindersHelp":
      "A notice appears in the open app. The setting follows you to every device you use.",
    "settings.reminder.saved": "Saved.",
    "settings.reminder.offline": "Not saved: you are offline. Try again when connected.",
    "settings.reminder.failed": "Not saved. Try again.",
    "settings.notifications": "Also show reminders as system notifications",
    "settings.notificationsOn":
      "Reminders also show as system notifications while the app is in the background.",
    "settings.notificationsBlocked":
      "System notifications are blocked for this app in the browser's settings.",
  },
  bg: {
    "reminder.due": "Напомняне: срокът на „{title}“ е {when} ({time}).",
    "reminder.open": "Отвори",
    "reminder.dismiss": "Затвори",
    "reminder.dismissLabel": "Затвори напомнянето за „{title}“",
    "settings.reminders": "Напомняне преди срока на задача",
    "settings.remindersOff": "Никога",
    "settings.remindersHelp":
      "Известието се показва в отвореното приложение. Настройката важи за всички ваши устройства.",
    "settings.reminder.saved": "Запазено.",
    "settings.reminder.offline": "Не е запазено: няма връзка. Опитайте отново, когато сте онлайн.",
    "settings.reminder.failed": "Не е запазено. Опитайте отново.",
    "settings.notifications": "Показвай напомнянията и като системни известия",
    "settings.notificationsOn":
      "Напомнянията се показват и като системни известия, докато приложението е във фонов режим.",
    "settings.notificationsBlocked":
      "Системните известия за това приложение са блокирани в настройките на браузъра.",
  },
  ru: {
    "reminder.due": "Напоминание: срок задачи «{title}» — {when} ({time}).",
    "reminder.open": "Открыть",
    "reminder.dismiss": "Закрыть",
    "reminder.dismissLabel": "Закрыть напоминание о задаче «{title}»",
    "settings.reminders": "Напоминать до срока задачи",
    "settings.remindersOff": "Никогда",
    "settings.remindersHelp":
      "Уведомление появляется в открытом приложении. Настройка действует на всех ваших устройствах.",
    "settings.reminder.saved": "Сохранено.",
    "settings.reminder.offline": "Не сохранено: нет связи. Повторите, когда появится сеть.",
    "settings.reminder.failed": "Не сохранено. Повторите попытку.",
    "settings.notifications": "Показывать напоминания и как системные уведомления",
    "settings.notificationsOn":
      "Напоминания также приходят системными уведомлениями, пока приложение в фоне.",
    "settings.notificationsBlocked":
      "Системные уведомления для этого приложения запрещены в настройках браузера.",
  },
  sr: {
    "reminder.due": "Подсетник: рок за „{title}“ је {when} ({time}).",
    "reminder.open": "Отвори",
    "reminder.dismiss": "Затвори",
    "reminder.dismissLabel": "Затвори подсетник за „{title}“",
    "settings.reminders": "Подсети ме пре рока задатка",
    "settings.remindersOff": "Никада",
    "settings.remindersHelp":
      "Обавештење се појављује у отвореној апликацији. Подешавање важи на свим вашим уређајима.",
    "settings.reminder.saved": "Сачувано.",
    "settings.reminder.offline": "Није сачувано: нисте повезани. Покушајте поново када будете на мрежи.",
    "settings.reminder.failed": "Није сачувано. Покушајте поново.",
    "settings.notifications": "Приказуј подсетнике и као системска обавештења",
    "settings.notificationsOn":
      "Подсетници се приказују и као системска обавештења док је апликација у позадини.",
    "settings.notificationsBlocked":
      "Системска обавештења за ову апликацију су блокирана у подешавањима прегледача.",
  },
  ro: {
    "reminder.due": "Memento: termenul pentru „{title}” este {when} ({time}).",
    "reminder.open": "Deschide",
    "reminder.dismiss": "Închide",
    "reminder.dismissLabel": "Închide mementoul pentru „{title}”",
    "settings.reminders": "Amintește-mi înainte de termenul unei sarcini",
    "settings.remindersOff": "Niciodată",
    "settings.remindersHelp":
      "Notificarea apare în aplicația deschisă. Setarea se aplică pe toate dispozitivele dvs.",
    "settings.reminder.saved": "Salvat.",
    "settings.reminder.offline": "Nesalvat: sunteți offline. Încercați din nou când aveți conexiune.",
    "settings.reminder.failed": "Nesalvat. Încercați din nou.",
    "settings.notifications": "Arată mementourile și ca notificări de sistem",
    "settings.notificationsOn":
      "Mementourile apar și ca notificări de sistem cât timp aplicația este în fundal.",
    "settings.notificationsBlocked":
      "Notificările de sistem pentru această aplicație sunt blocate în setările browserului.",
  },
  lt: {
    "reminder.due": "Priminimas: „{title}“ terminas – {when} ({time}).",
    "reminder.open": "Atidaryti",
    "reminder.dismiss": "Uždaryti",
    "reminder.dismissLabel": "Uždaryti priminimą apie „{title}“",
    "settings.reminders": "Priminti prieš užduoties terminą",
    "settings.remindersOff": "Niekada",
    "settings.remindersHelp":
      "Pranešimas rodomas atidarytoje programėlėje. Nustatymas galioja visuose jūsų įrenginiuose.",
    "settings.reminder.saved": "Išsaugota.",
    "settings.reminder.offline": "Neišsaugota: nėra ryšio. Bandykite dar kartą prisijungę.",
    "settings.reminder.failed": "Neišsaugota. Bandykite dar kartą.",
    "settings.notifications": "Rodyti priminimus ir kaip sistemos pranešimus",
    "settings.notificationsOn": "Priminimai rodomi ir kaip sistemos pranešimai, kol programėlė veikia fone.",
    "settings.notificationsBlocked":
      "Šios programėlės sistemos pranešimai užblokuoti naršyklės nustatymuose.",
  },
};
