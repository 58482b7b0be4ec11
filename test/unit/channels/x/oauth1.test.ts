import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oauth1Authorization, oauth1Signature, percentEncode, signatureBaseString } from "../../../../src/channels/x/oauth1.ts";
import { parseOAuthHeader, referenceOAuthSignature } from "../../../fixtures/x/signing.ts";

/**
 * The worked example of X's "Creating a signature" page (the same inputs as "Authorizing a request").
 * @see https://developer.x.com/en/docs/authentication/oauth-1-0a/creating-a-signature
 */
const DOC = {
  request: {
    method: "POST",
    url: "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
    formParams: { status: "Hello Ladies + Gentlemen, a signed OAuth request!" },
  },
  keys: {
    consumerKey: "xvz1evFS4wEEPTGEFPHBog",
    consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
  },
  once: { nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", timestamp: 1318622958 },
  oauthParams: {
    oauth_consumer_key: "xvz1evFS4wEEPTGEFPHBog",
    oauth_nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: "1318622958",
    oauth_token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    oauth_version: "1.0",
  },
  baseString:
    "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521",
  signature: "hCtSmYh+iHYCEqBWrE7C7hYmtUk=",
} as const;

describe("OAuth 1.0a signing", () => {
  it("builds the documented signature base string", () => {
    expect(signatureBaseString(DOC.request, DOC.oauthParams)).toBe(DOC.baseString);
  });

  it("reproduces the documented signature", async () => {
    expect(await oauth1Signature(DOC.request, DOC.keys, DOC.oauthParams)).toBe(DOC.signature);
  });

  it("puts every oauth_* field, encoded and sorted, in the Authorization header", async () => {
    expect(await oauth1Authorization(DOC.request, DOC.keys, DOC.once)).toBe(
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", ' +
        'oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", ' +
        'oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"',
    );
  });

  it("percent-encodes as RFC 3986 asks, including the characters encodeURIComponent leaves", () => {
    expect(percentEncode("Ladies + Gentlemen, a signed OAuth request!")).toBe(
      "Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21",
    );
    expect(percentEncode("*'()~-._")).toBe("%2A%27%28%29~-._");
    expect(percentEncode("☃")).toBe("%E2%98%83");
  });

  it("signs the URL as sent: lower-case host, a non-default port kept, a default port dropped", () => {
    expect(signatureBaseString({ method: "post", url: "http://127.0.0.1:9001/2/x" }, {})).toBe(
      "POST&http%3A%2F%2F127.0.0.1%3A9001%2F2%2Fx&",
    );
    expect(signatureBaseString({ method: "POST", url: "HTTPS://API.X.COM:443/2/x" }, {})).toBe("POST&https%3A%2F%2Fapi.x.com%2F2%2Fx&");
  });

  it("sorts parameters with the same name by value", () => {
    expect(signatureBaseString({ method: "GET", url: "https://api.x.com/2/x?a=2&a=1&b=0" }, {})).toBe(
      "GET&https%3A%2F%2Fapi.x.com%2F2%2Fx&a%3D1%26a%3D2%26b%3D0",
    );
  });

  it("agrees with an independent node:crypto implementation on arbitrary inputs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        async (queryValue, formValue, nonce, consumerSecret, tokenSecret) => {
          const url = `https://api.x.com/2/dm_conversations/with/42/messages?q=${encodeURIComponent(queryValue)}`;
          const keys = { consumerKey: "ck", consumerSecret, token: "tk", tokenSecret };
          const header = parseOAuthHeader(
            await oauth1Authorization({ method: "POST", url, formParams: { text: formValue } }, keys, { nonce, timestamp: 1 }),
          );
          const { oauth_signature: signature, ...oauthParams } = header;
          const expected = referenceOAuthSignature({
            method: "POST",
            baseUrl: "https://api.x.com/2/dm_conversations/with/42/messages",
            params: { ...oauthParams, q: queryValue, text: formValue },
            consumerSecret,
            tokenSecret,
          });
          expect(signature).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
