// IndexedDB through idb: the last-seen accounts and a little state, so the app works offline.
import { openDB } from "idb";

const DB_NAME = "waypoint";
const VERSION = 1;

let database = null;

function open() {
  database ??= openDB(DB_NAME, VERSION, {
    upgrade(db) {
      db.createObjectStore("accounts", { keyPath: "id" });
      db.createObjectStore("meta");
    },
  });
  return database;
}

export async function saveAccounts(accounts) {
  const tx = (await open()).transaction("accounts", "readwrite", { durability: "strict" });
  await Promise.all([...accounts.map((account) => tx.store.put(account)), tx.done]);
}

export async function allAccounts() {
  return (await open()).getAll("accounts");
}

export async function getMeta(key) {
  return (await open()).get("meta", key);
}

export async function setMeta(key, value) {
  return (await open()).put("meta", value, key);
}

export async function forgetEverything() {
  const db = await open();
  await Promise.all([db.clear("accounts"), db.clear("meta")]);
}

// One account, as last seen by this device (the Account screen offline).
export async function getAccount(id) {
  return (await open()).get("accounts", id);
}

export async function saveAccount(account) {
  return (await open()).put("accounts", account);
}
