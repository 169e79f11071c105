// Strings of the install prompt and the iOS "Add to Home Screen" help, per language. The iOS
// steps name Safari's own buttons, as the phone shows them in that language.
export default {
  en: {
    installApp: "Install Waypoint",
    iosInstallSteps: "Tap Share (the square with an arrow), then “Add to Home Screen”.",
    installNotNow: "Not now",
  },
  bg: {
    installApp: "Инсталирайте Waypoint",
    iosInstallSteps: "Докоснете „Сподели“ (квадратчето със стрелка), после „Добави към начален екран“.",
    installNotNow: "Не сега",
  },
  ru: {
    installApp: "Установить Waypoint",
    iosInstallSteps: "Нажмите «Поделиться» (квадрат со стрелкой), затем «На экран „Домой“».",
    installNotNow: "Не сейчас",
  },
  sr: {
    installApp: "Инсталирајте Waypoint",
    iosInstallSteps: "Додирните „Дели“ (квадрат са стрелицом), па „Додај на почетни екран“.",
    installNotNow: "Не сада",
  },
  ro: {
    installApp: "Instalați Waypoint",
    iosInstallSteps: "Atingeți „Partajați” (pătratul cu săgeată), apoi „Adăugați pe ecranul principal”.",
    installNotNow: "Nu acum",
  },
  lt: {
    installApp: "Įdiegti Waypoint",
    iosInstallSteps: "Palieskite „Bendrinti“ (kvadratas su rodykle), tada „Pridėti prie pradžios ekrano“.",
    installNotNow: "Ne dabar",
  },
};
