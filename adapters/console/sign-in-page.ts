import type { Lang } from '../../src/core/index.js';
import { html, type SafeHtml } from '../web/help/html.js';
import { page } from './layout.js';
import type { Say } from './texts.js';

/** The sign-in form: login, password (Enter submits), the form's anti-forgery token and where to go next. */
export function signInPage(lang: Lang, t: Say, options: { formToken: string; next: string; error?: string }): SafeHtml {
  const body = html`<section class="sign-in">
    <h1>${t('console.signIn.heading')}</h1>
    ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
    <form method="post" action="/desk/sign-in">
      <input type="hidden" name="_csrf" value="${options.formToken}" />
      <input type="hidden" name="next" value="${options.next}" />
      <label for="login">${t('console.signIn.login')}</label>
      <input id="login" name="login" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus />
      <label for="password">${t('console.signIn.password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit">${t('console.signIn.submit')}</button>
    </form>
  </section>`;
  return page({ lang, t, title: t('console.signIn.submit') }, body);
}
