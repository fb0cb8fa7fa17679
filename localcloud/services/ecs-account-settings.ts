import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { bool, type Params, str } from '../input.js';
import { accountSettings, SETTING_NAMES } from '../sim/account-settings.js';
import type { HandlerMap } from './handler.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

const rootArn = (cloud: Cloud) => `arn:aws:iam::${cloud.account.accountId}:root`;

function nameAndValue(input: Params): { name: string; value: string } {
  const name = str(input, 'name');
  const value = str(input, 'value');
  if (!name) throw invalid('name must be specified.');
  if (!value) throw invalid('value must be specified.');
  if (!(SETTING_NAMES as readonly string[]).includes(name)) throw invalid(`Invalid setting name: ${name}.`);
  if (name === 'awsvpcTrunking' && value !== 'enabled' && value !== 'disabled') {
    throw invalid('The value for awsvpcTrunking must be enabled or disabled.');
  }
  return { name, value };
}

/** PutAccountSettingDefault / PutAccountSetting / ListAccountSettings, one principal (the account root). */
export const ecsAccountSettings: HandlerMap = {
  PutAccountSettingDefault(cloud, input) {
    const { name, value } = nameAndValue(input);
    accountSettings(cloud).set(name, value);
    return { setting: { name, value, principalArn: rootArn(cloud), type: 'user' } };
  },
  PutAccountSetting(cloud, input) {
    const { name, value } = nameAndValue(input);
    accountSettings(cloud).set(name, value);
    return {
      setting: { name, value, principalArn: str(input, 'principalArn') ?? rootArn(cloud), type: 'user' },
    };
  },
  ListAccountSettings(cloud, input) {
    const name = str(input, 'name');
    const value = str(input, 'value');
    bool(input, 'effectiveSettings'); // one principal: its settings are the effective ones
    const settings = [...accountSettings(cloud)]
      .filter(([n, v]) => (!name || n === name) && (!value || v === value))
      .map(([n, v]) => ({ name: n, value: v, principalArn: rootArn(cloud), type: 'user' }));
    return { settings };
  },
};
