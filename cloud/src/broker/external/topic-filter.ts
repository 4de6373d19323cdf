/**
 * True when `topic` matches the MQTT topic filter `filter`: `+` is one level,
 * a trailing `#` any number of levels including none (MQTT 3.1.1 §4.7.1).
 * Topics starting with `$` never match a filter starting with a wildcard (§4.7.2).
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * The shared-subscription form of `filter` for consumer group `group`
 * (MQTT 5.0 §4.8.2 `$share/{ShareName}/{filter}`; Mosquitto 2 and EMQX accept
 * it from MQTT 3.1.1 clients too): the broker hands each message to one
 * member of the group instead of all of them.
 */
export function sharedFilter(group: string, filter: string): string {
  if (!/^[^/+#]+$/.test(group)) throw new Error(`share group "${group}" must not contain /, + or #`);
  return `$share/${group}/${filter}`;
}
