import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { startTestApp, testConfig } from '../support/app.js';
import { FakeConnector } from '../support/fake-connector.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const APP_ID = '5f0b3c55-8a34-4c2e-9d0e-2a8c6f1e7b10';

describe('Teams with a Microsoft app id', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    app = await startTestApp({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret' });
  });
  afterAll(async () => {
    await app.dispose();
    await connector.close();
  });

  it('requires a Bot Framework token and answers nothing without one', async () => {
    expect(app.channels.get('teams')).toMatchObject({ detail: `authenticated as MicrosoftAppId ${APP_ID} (MultiTenant)` });
    const chat = connector.conversation({ id: 'a:personal-auth', user: { id: '29:mo', name: 'Mo' }, serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    const response = await chat.send(app.url, chat.message('How long does support take to answer?'));
    expect(response.status).toBe(401);
    expect(connector.posted).toEqual([]);
    expect(await app.services.bot.history({ channel: 'teams', userId: '29:mo' })).toEqual([]);
  });

  it.each([
    [{ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId'],
    [{ MicrosoftAppId: APP_ID }, 'MicrosoftAppPassword'],
    [{ MicrosoftAppPassword: 'x' }, 'MicrosoftAppId'],
    [{ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 'tenant' }, 'MicrosoftAppPassword'],
  ])('refuses contradictory settings %j, naming %s', (env, variable) => {
    const load = () => testConfig(app.dir, env);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^${variable}: `));
  });
});
