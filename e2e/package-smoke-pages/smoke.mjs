// The smoke run every artifact page shares: construct a VoiceClient from the SDK the page loaded (the IIFE global
// or the ESM package), connect to the reference server named in the query string, then disconnect. The result
// (with every Content-Security-Policy violation the page saw) is left in `window.smoke` for the test to read.
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} blocked ${e.blockedURI}`));

/** @param {{ VoiceClient?: unknown, isVoiceError?: (e: unknown) => boolean }} sdk */
export async function runSmoke(sdk) {
  const query = new URLSearchParams(location.search);
  // The reference server's public development key (its CLI prints it): never a key from the URL.
  const options = { baseUrl: query.get('baseUrl'), apiKey: 'sk_dev_savants_local' };
  if (query.get('workletBaseUrl')) options.workletBaseUrl = new URL(query.get('workletBaseUrl'), location.href).href;
  const result = { exports: Object.keys(sdk).sort(), states: [], violations };
  if (typeof sdk.VoiceClient !== 'function') return { ...result, error: 'the SDK exports no VoiceClient' };
  const client = new sdk.VoiceClient(options);
  result.constructedState = String(client.state);
  client.addEventListener('statechange', () => result.states.push(String(client.state)));
  try {
    await client.connect();
    result.connectedState = String(client.state);
  } catch (error) {
    result.error = { code: error?.code, message: String(error?.message ?? error), isVoiceError: sdk.isVoiceError?.(error) };
  } finally {
    await client.disconnect();
    result.finalState = String(client.state);
  }
  return result;
}
