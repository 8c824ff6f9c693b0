// Command go_reader prints, as JSON, what aws-sdk-go-v2's shared-config loader reads for each
// named profile of a credentials file and a config file:
//
//	go_reader CREDENTIALS CONFIG PROFILE...
//
// The SDK's public API has no way to list profiles (its ini parser is an internal package), so
// the caller names them. For each: "absent" when the SDK finds no such profile, "unreadable"
// when it cannot read a file, "error" with the SDK's message, or the static credentials and
// every setting SharedConfig exposes as text, keyed by the name the setting has in the files
// ("keys" lists them: other keys are not visible).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/config"
)

type credentials struct {
	AccessKeyID     string `json:"aws_access_key_id"`
	SecretAccessKey string `json:"aws_secret_access_key"`
	SessionToken    string `json:"aws_session_token"`
}

type profile struct {
	Status      string            `json:"status"`
	Error       string            `json:"error,omitempty"`
	Credentials *credentials      `json:"credentials"`
	Region      string            `json:"region"`
	Values      map[string]string `json:"values"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go_reader CREDENTIALS CONFIG PROFILE...")
		os.Exit(2)
	}
	files := func(o *config.LoadSharedConfigOptions) {
		o.CredentialsFiles = []string{os.Args[1]}
		o.ConfigFiles = []string{os.Args[2]}
	}
	out := map[string]profile{}
	for _, name := range os.Args[3:] {
		out[name] = read(name, files)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(map[string]any{"keys": settingKeys(), "profiles": out}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func read(name string, files func(*config.LoadSharedConfigOptions)) profile {
	shared, err := config.LoadSharedConfigProfile(context.Background(), name, files)
	var notExist config.SharedConfigProfileNotExistError
	if errors.As(err, &notExist) && notExist.Profile == name {
		return profile{Status: "absent"}
	}
	var unreadable config.SharedConfigLoadError
	if errors.As(err, &unreadable) {
		// Not this profile's fault: the SDK cannot read the file at all.
		return profile{Status: "unreadable", Error: err.Error()}
	}
	if err != nil {
		return profile{Status: "error", Error: err.Error()}
	}
	result := profile{Status: "ok", Region: shared.Region, Values: values(shared)}
	if shared.Credentials.HasKeys() {
		result.Credentials = &credentials{
			AccessKeyID:     shared.Credentials.AccessKeyID,
			SecretAccessKey: shared.Credentials.SecretAccessKey,
			SessionToken:    shared.Credentials.SessionToken,
		}
	}
	return result
}

// settings lists every text setting of SharedConfig, under its key in the files. Settings
// parsed into enums or booleans are left out: their text is not kept.
var settings = []struct {
	key string
	get func(config.SharedConfig) string
}{
	{"aws_access_key_id", func(c config.SharedConfig) string { return c.Credentials.AccessKeyID }},
	{"aws_secret_access_key", func(c config.SharedConfig) string { return c.Credentials.SecretAccessKey }},
	{"aws_session_token", func(c config.SharedConfig) string { return c.Credentials.SessionToken }},
	{"region", func(c config.SharedConfig) string { return c.Region }},
	{"role_arn", func(c config.SharedConfig) string { return c.RoleARN }},
	{"external_id", func(c config.SharedConfig) string { return c.ExternalID }},
	{"mfa_serial", func(c config.SharedConfig) string { return c.MFASerial }},
	{"role_session_name", func(c config.SharedConfig) string { return c.RoleSessionName }},
	{"source_profile", func(c config.SharedConfig) string { return c.SourceProfileName }},
	{"credential_source", func(c config.SharedConfig) string { return c.CredentialSource }},
	{"credential_process", func(c config.SharedConfig) string { return c.CredentialProcess }},
	{"web_identity_token_file", func(c config.SharedConfig) string { return c.WebIdentityTokenFile }},
	{"sso_session", func(c config.SharedConfig) string { return c.SSOSessionName }},
	{"sso_region", func(c config.SharedConfig) string { return c.SSORegion }},
	{"sso_start_url", func(c config.SharedConfig) string { return c.SSOStartURL }},
	{"sso_account_id", func(c config.SharedConfig) string { return c.SSOAccountID }},
	{"sso_role_name", func(c config.SharedConfig) string { return c.SSORoleName }},
	{"ec2_metadata_service_endpoint", func(c config.SharedConfig) string { return c.EC2IMDSEndpoint }},
	{"ca_bundle", func(c config.SharedConfig) string { return c.CustomCABundle }},
	{"retry_mode", func(c config.SharedConfig) string { return string(c.RetryMode) }},
	{"defaults_mode", func(c config.SharedConfig) string { return string(c.DefaultsMode) }},
	{"duration_seconds", func(c config.SharedConfig) string {
		if c.RoleDurationSeconds == nil {
			return ""
		}
		return strconv.FormatInt(int64(c.RoleDurationSeconds.Seconds()), 10)
	}},
	{"max_attempts", func(c config.SharedConfig) string {
		if c.RetryMaxAttempts == 0 {
			return ""
		}
		return strconv.Itoa(c.RetryMaxAttempts)
	}},
}

// values holds the settings that are set; an empty one reads as unset in the SDK too.
func values(c config.SharedConfig) map[string]string {
	found := map[string]string{}
	for _, setting := range settings {
		if value := setting.get(c); value != "" {
			found[setting.key] = value
		}
	}
	return found
}

func settingKeys() []string {
	keys := make([]string, len(settings))
	for i, setting := range settings {
		keys[i] = setting.key
	}
	return keys
}
