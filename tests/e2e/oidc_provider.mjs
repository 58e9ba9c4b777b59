// A certified OpenID Provider for the browser tests: panva's oidc-provider (npm, version 9) as
// it ships, on loopback, with one client (Headway) and a few known accounts.
//
//   node oidc_provider.mjs <node_modules folder> <config.json>
//
// config.json: {"client": {"client_id", "client_secret", "redirect_uri"},
//               "accounts": {"<login>": {"email": ..., "email_verified": ...}}}
// Prints one line, {"issuer": "http://localhost:<port>"}, once it is listening; stops on SIGTERM.
//
// Nothing is loosened: the provider's own login and consent pages (its development
// interactions), its default interaction policy, prompts, PKCE, token lifetimes and claims rules
// (the email scope's claims come from the UserInfo endpoint, not the ID token). Its development
// signing keys and cookie keys are used, as nothing here outlives the test run.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, configPath] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const { default: Provider } = await import(
  pathToFileURL(path.join(modules, 'oidc-provider', 'lib', 'index.js')).href
);

const server = http.createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
// `localhost`, while the app is on 127.0.0.1: two hosts, so the browser keeps their cookies apart.
const issuer = `http://localhost:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client.client_id,
    client_secret: config.client.client_secret,
    redirect_uris: [config.client.redirect_uri],
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Known accounts only: an unknown login finds no account, and the provider refuses it.
  async findAccount(_ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
});

server.on('request', provider.callback());
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
