/**
 * Place de la Monnaie / Muntplein, the scene's centre: the centroid of the square's four UrbIS
 * street axes (data/urbis/bxl-e148500-n171000/street_axes.geojson). The point usually quoted for the opera
 * house, 50.8497 N 4.3533 E (Lambert 72 E 148912, N 171033, inside the UrbIS cell
 * bxl-e148500-n171000), falls on the square itself in the UrbIS footprints: the opera
 * (Théâtre royal de la Monnaie, UrbIS building 1804519, 30 m) stands 65 m east of it, with its
 * centroid at 50.8496 N 4.3542 E, and Centre Monnaie (UrbIS 1823663, 63 m) closes the square
 * to the north-west.
 */
export const PLACE_DE_LA_MONNAIE = { lon: 4.3535, lat: 50.8499 } as const;

/** The opera house's footprint centroid (UrbIS 1804519). */
export const MONNAIE_OPERA = { lon: 4.3542, lat: 50.8496 } as const;
