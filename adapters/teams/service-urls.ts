/**
 * Where the bot may post replies: the `serviceUrl` of an inbound activity is where botbuilder
 * sends the answer, so an unchecked one makes the bot post to any address a stranger names.
 */

/** The Bot Framework's own connector hosts (Teams in the public and government clouds, other Bot Framework channels). */
const BOT_FRAMEWORK_HOSTS: readonly RegExp[] = [
  /^smba\.trafficmanager\.net$/,
  /^smba\.infra\.(gcc\.teams\.microsoft\.com|gov\.teams\.microsoft\.us|dod\.teams\.microsoft\.us)$/,
  /^([a-z0-9-]+\.)*botframework\.(com|azure\.us|azure\.cn)$/,
];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether a host name or listening address is this machine only (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host) || /^::ffff:127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Why a `serviceUrl` is refused, or undefined when it is acceptable. Authenticated, it must be
 * https on a Bot Framework host; unauthenticated (the local Emulator), the bare origin of a
 * server on this machine (no path, query or credentials, so no other local service is reached).
 */
export function refuseServiceUrl(serviceUrl: string, authenticated: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return 'serviceUrl is not a URL';
  }
  if (url.username || url.password || url.search || url.hash) return 'serviceUrl must not carry credentials, a query or a fragment';
  if (authenticated) {
    if (url.protocol !== 'https:' || !BOT_FRAMEWORK_HOSTS.some((host) => host.test(url.hostname))) return 'serviceUrl is not a Bot Framework connector';
    return undefined;
  }
  if (!isLoopback(url.hostname)) return 'without MicrosoftAppId only a serviceUrl on this machine (the Emulator) is accepted';
  if (url.pathname !== '/') return 'without MicrosoftAppId the serviceUrl must be the bare origin of the local Emulator';
  return undefined;
}
