// Distances for offline sorting, DOM-free so the service worker could use it too. Haversine on
// the mean Earth radius: within 0.5 % of the WGS 84 geodesic the server reports, and exact
// enough to order the accounts around a rep; the server's figure is shown when it has one.
const EARTH_RADIUS_M = 6371008.8;

export function distanceMetres(lng1, lat1, lng2, lat2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

// Accounts with a location, nearest first from (lng, lat), each with a fresh distance_m.
export function nearestFirst(accounts, lng, lat) {
  return accounts
    .filter((account) => account.location)
    .map((account) => {
      const [aLng, aLat] = account.location.coordinates;
      return { ...account, distance_m: distanceMetres(lng, lat, aLng, aLat) };
    })
    .sort((a, b) => a.distance_m - b.distance_m || (a.id < b.id ? -1 : 1));
}
