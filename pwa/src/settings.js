// Settings kept on this device only. Location capture belongs to the rep's device, not to the
// server: with it off, visits carry no position at all (and are "unverifiable").
const LOCATION_KEY = "waypoint.locationCapture";

/** Whether a check-in takes a GPS fix (on unless the rep turned it off). */
export function locationCaptureOn() {
  try {
    return globalThis.localStorage?.getItem(LOCATION_KEY) !== "off";
  } catch {
    return true;
  }
}

export function setLocationCapture(on) {
  try {
    globalThis.localStorage?.setItem(LOCATION_KEY, on ? "on" : "off");
  } catch {
    // Storage blocked: the choice lasts until the page closes.
  }
}
