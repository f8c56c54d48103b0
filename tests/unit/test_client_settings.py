"""Settings: stack config first, GENESYSCLOUD_* env as fallback, 17 regions, clear errors, secret hidden."""

from __future__ import annotations

import pickle

import pytest
from pydantic import SecretStr

from genesys_api import REGION_DOMAINS, ClientSettings, ConfigurationError, hosts_for_region
from genesys_api.settings import configured_dialect

SECRET = "s3cr3t-value-never-shown"

EXPECTED_HOSTS = {
    "us-east-1": "mypurecloud.com",
    "eu-west-1": "mypurecloud.ie",
    "ap-southeast-2": "mypurecloud.com.au",
    "ap-northeast-1": "mypurecloud.jp",
    "eu-central-1": "mypurecloud.de",
    "us-west-2": "usw2.pure.cloud",
    "ca-central-1": "cac1.pure.cloud",
    "ap-northeast-2": "apne2.pure.cloud",
    "eu-west-2": "euw2.pure.cloud",
    "ap-south-1": "aps1.pure.cloud",
    "sa-east-1": "sae1.pure.cloud",
    "me-central-1": "mec1.pure.cloud",
    "ap-northeast-3": "apne3.pure.cloud",
    "eu-central-2": "euc2.pure.cloud",
    "mx-central-1": "mxc1.pure.cloud",
    "ap-southeast-1": "apse1.pure.cloud",
    "us-east-2": "use2.us-gov-pure.cloud",
}


def config(**values: object):
    """A stand-in for Pulumi's ``req.config.get`` over ``genesys:*`` keys."""
    data = {f"genesys:{k}": v for k, v in values.items()}
    return data.get


def test_all_17_regions_are_known():
    assert len(REGION_DOMAINS) == 17
    assert REGION_DOMAINS == EXPECTED_HOSTS


@pytest.mark.parametrize("region,domain", sorted(EXPECTED_HOSTS.items()))
def test_region_maps_to_api_and_login_hosts(region: str, domain: str):
    settings = ClientSettings.from_config(config(region=region, clientId="id", clientSecret=SECRET), environ={})
    assert settings.api_url == f"https://api.{domain}"
    assert settings.login_url == f"https://login.{domain}"
    assert settings.region == region
    assert hosts_for_region(region) == (settings.api_url, settings.login_url)


def test_api_url_overrides_region_and_serves_the_token_too():
    settings = ClientSettings.from_config(
        config(region="eu-west-1", apiUrl="http://127.0.0.1:8787/", clientId="id", clientSecret=SECRET),
        environ={},
    )
    assert settings.api_url == "http://127.0.0.1:8787"
    assert settings.login_url == "http://127.0.0.1:8787"


def test_environment_fallback():
    env = {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "env-id",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET,
        "GENESYSCLOUD_REGION": "ca-central-1",
    }
    settings = ClientSettings.from_config(config(), environ=env)
    assert settings.client_id == "env-id"
    assert settings.client_secret.get_secret_value() == SECRET
    assert settings.api_url == "https://api.cac1.pure.cloud"


def test_environment_api_url_fallback():
    env = {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "env-id",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET,
        "GENESYSCLOUD_API_URL": "http://localhost:9999",
        "GENESYSCLOUD_REGION": "us-east-1",
    }
    settings = ClientSettings.from_config(None, environ=env)
    assert settings.api_url == settings.login_url == "http://localhost:9999"


def test_stack_config_beats_environment():
    env = {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "env-id",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": "env-secret",
        "GENESYSCLOUD_API_URL": "http://localhost:9999",
    }
    settings = ClientSettings.from_config(
        config(region="eu-central-1", clientId="cfg-id", clientSecret=SECRET), environ=env
    )
    assert settings.client_id == "cfg-id"
    assert settings.client_secret.get_secret_value() == SECRET
    assert settings.api_url == "https://api.mypurecloud.de"


def test_blank_values_count_as_missing():
    env = {"GENESYSCLOUD_OAUTHCLIENT_ID": "env-id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET}
    settings = ClientSettings.from_config(config(clientId="  ", clientSecret="", region="us-west-2"), environ=env)
    assert settings.client_id == "env-id"


def test_missing_everything_names_every_key():
    with pytest.raises(ConfigurationError) as info:
        ClientSettings.from_config(config(), environ={})
    text = str(info.value)
    for name in (
        "genesys:clientId",
        "GENESYSCLOUD_OAUTHCLIENT_ID",
        "genesys:clientSecret",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "genesys:region",
        "GENESYSCLOUD_REGION",
        "genesys:apiUrl",
        "us-east-1",
        "us-east-2",
    ):
        assert name in text


def test_unknown_region_names_key_and_accepted_values():
    with pytest.raises(ConfigurationError) as info:
        ClientSettings.from_config(config(region="moon-1", clientId="id", clientSecret=SECRET), environ={})
    text = str(info.value)
    assert "genesys:region" in text and "'moon-1'" in text
    assert text.count("is not a known Genesys Cloud region") == 1
    assert all(region in text for region in EXPECTED_HOSTS)
    assert SECRET not in text


def test_an_unknown_region_is_said_before_the_dialect_it_would_choose():
    with pytest.raises(ConfigurationError, match="genesys:region 'moon-1' is not a known Genesys Cloud region"):
        configured_dialect(config(region="moon-1"), environ={})
    assert configured_dialect(config(region="eu-west-1"), environ={}) == "cloud"


def test_unknown_region_from_environment_names_the_variable():
    env = {"GENESYSCLOUD_REGION": "mars-2"}
    with pytest.raises(ConfigurationError, match="GENESYSCLOUD_REGION 'mars-2' is not a known"):
        ClientSettings.from_config(config(clientId="id", clientSecret=SECRET), environ=env)


@pytest.mark.parametrize("url", ["ftp://example.com", "not a url", "127.0.0.1:8787", "http://h/?x=1"])
def test_bad_api_url_is_named(url: str):
    with pytest.raises(ConfigurationError, match="genesys:apiUrl"):
        ClientSettings.from_config(config(apiUrl=url, clientId="id", clientSecret=SECRET), environ={})


def test_tuning_defaults():
    settings = ClientSettings.from_config(config(region="us-east-1", clientId="i", clientSecret=SECRET), {})
    assert (settings.max_retries, settings.retry_budget_seconds, settings.timeout_seconds) == (6, 120.0, 30.0)


def test_tuning_keys_are_read_from_stack_config():
    settings = ClientSettings.from_config(
        config(
            region="us-east-1",
            clientId="i",
            clientSecret=SECRET,
            maxRetries="2",
            retryBudgetSeconds="7.5",
            timeoutSeconds=3,
        ),
        environ={},
    )
    assert (settings.max_retries, settings.retry_budget_seconds, settings.timeout_seconds) == (2, 7.5, 3.0)


@pytest.mark.parametrize(
    "key,value,expected",
    [
        ("maxRetries", "-1", "non-negative integer"),
        ("maxRetries", "many", "non-negative integer"),
        ("retryBudgetSeconds", "0", "positive number"),
        ("timeoutSeconds", "soon", "positive number"),
    ],
)
def test_bad_tuning_value_names_key(key: str, value: str, expected: str):
    with pytest.raises(ConfigurationError) as info:
        ClientSettings.from_config(
            config(region="us-east-1", clientId="i", clientSecret=SECRET, **{key: value}), environ={}
        )
    assert f"genesys:{key}" in str(info.value) and expected in str(info.value)


def test_secret_never_in_repr_str_or_dump():
    settings = ClientSettings.from_config(config(region="us-east-1", clientId="i", clientSecret=SECRET), {})
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert SECRET not in str(settings.model_dump())
    assert SECRET not in settings.model_dump_json()


def test_settings_are_hashable_and_equal_by_value():
    a = ClientSettings.from_config(config(region="us-east-1", clientId="i", clientSecret=SECRET), {})
    b = ClientSettings.from_config(config(region="us-east-1", clientId="i", clientSecret=SECRET), {})
    c = ClientSettings.from_config(config(region="us-east-1", clientId="i", clientSecret="other"), {})
    assert a == b and hash(a) == hash(b)
    assert a != c


def test_configuration_error_pickles():
    err = ConfigurationError("genesys:region is not set")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ConfigurationError and str(again) == str(err)


def test_dialect_defaults_to_cloud_for_a_region_and_seed_for_a_base_url():
    by_region = ClientSettings.from_config(config(region="eu-west-1", clientId="id", clientSecret=SECRET), environ={})
    by_url = ClientSettings.from_config(
        config(apiUrl="http://127.0.0.1:8787", clientId="id", clientSecret=SECRET), environ={}
    )
    env_region = ClientSettings.from_config(
        config(clientId="id", clientSecret=SECRET), environ={"GENESYSCLOUD_REGION": "us-west-2"}
    )
    assert (by_region.dialect, by_url.dialect, env_region.dialect) == ("cloud", "seed", "cloud")


@pytest.mark.parametrize("value", ["cloud", "seed"])
def test_dialect_set_explicitly_wins_over_the_default(value: str):
    for host in ({"apiUrl": "http://127.0.0.1:8787"}, {"region": "us-east-1"}):
        settings = ClientSettings.from_config(
            config(dialect=value, clientId="id", clientSecret=SECRET, **host), environ={}
        )
        assert settings.dialect == value


def test_unknown_dialect_names_the_key_and_the_allowed_values():
    with pytest.raises(ConfigurationError) as info:
        ClientSettings.from_config(
            config(dialect="platform", region="us-east-1", clientId="id", clientSecret=SECRET), environ={}
        )
    text = str(info.value)
    assert "genesys:dialect" in text and "'platform'" in text
    assert "cloud" in text and "seed" in text
    assert SECRET not in text


def test_dialect_is_part_of_the_shared_client_key():
    seed = ClientSettings.from_config(config(apiUrl="http://127.0.0.1:8787", clientId="id", clientSecret=SECRET))
    cloud = ClientSettings.from_config(
        config(apiUrl="http://127.0.0.1:8787", dialect="cloud", clientId="id", clientSecret=SECRET)
    )
    assert seed != cloud and len({seed: 1, cloud: 2}) == 2


def test_settings_built_directly_follow_the_same_default():
    by_region = ClientSettings.model_validate(
        {
            "api_url": "https://api.mypurecloud.ie",
            "region": "eu-west-1",
            "client_id": "id",
            "client_secret": SecretStr(SECRET),
        }
    )
    by_url = ClientSettings.model_validate(
        {"api_url": "http://127.0.0.1:8787", "client_id": "id", "client_secret": SecretStr(SECRET)}
    )
    assert (by_region.dialect, by_url.dialect) == ("cloud", "seed")
