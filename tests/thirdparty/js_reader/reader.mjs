// Prints, as JSON, what the JS SDK v3's shared-ini-file-loader reads from a credentials file
// and a config file:
//
//     node reader.mjs CREDENTIALS CONFIG
//
// "profiles" is every profile of both files merged as the SDK merges them (parseKnownFiles: the
// config file's, then the credentials file's keys over them), each with every key as parsed
// and the static credentials that @aws-sdk/credential-provider-ini takes from such a profile
// (its isStaticCredsProfile rule: both key strings present). "files" holds each file's own
// parse. The loader turns an unreadable file into no profiles, so no error is reported here.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadSharedConfigFiles, parseKnownFiles } from "@smithy/shared-ini-file-loader";

const [credentialsPath, configPath] = process.argv.slice(2);
if (configPath === undefined) {
  process.stderr.write("usage: node reader.mjs CREDENTIALS CONFIG\n");
  process.exit(2);
}
const init = { filepath: credentialsPath, configFilepath: configPath, ignoreCache: true };

const staticCredentials = (values) =>
  typeof values.aws_access_key_id === "string" && typeof values.aws_secret_access_key === "string"
    ? {
        aws_access_key_id: values.aws_access_key_id,
        aws_secret_access_key: values.aws_secret_access_key,
        aws_session_token: values.aws_session_token ?? null,
      }
    : null;

const files = await loadSharedConfigFiles(init);
const merged = await parseKnownFiles(init);
const profiles = {};
for (const [name, values] of Object.entries(merged)) {
  profiles[name] = {
    credentials: staticCredentials(values),
    region: values.region ?? null,
    values,
  };
}

const require = createRequire(import.meta.url);
const versionOf = (name) =>
  JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;

process.stdout.write(
  `${JSON.stringify({
    versions: {
      "@smithy/shared-ini-file-loader": versionOf("@smithy/shared-ini-file-loader"),
      "@smithy/core": versionOf("@smithy/core"),
    },
    profiles,
    files: { credentials: files.credentialsFile, config: files.configFile },
  })}\n`,
);
