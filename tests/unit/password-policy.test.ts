import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../../server/src/domain/password-policy.js';
import { parseEnv } from '../../server/src/settings.js';

const code = (pw: string, user?: string) => passwordProblem(pw, user)?.code ?? null;

describe('password policy (OWASP ASVS 5.0 V6.2)', () => {
  it('asks for 15 characters at least, counted as characters, not UTF-16 units', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(15);
    expect(code('a1b2c3d4e5f6g7')).toBe('password_too_short'); // 14
    expect(code('a1b2c3d4e5f6g7h')).toBeNull(); // 15
    expect(code('🙂'.repeat(8))).toBe('password_too_short'); // 8 characters, 16 code units
    expect(passwordProblem('short')?.message).toBe('must be at least 15 characters (has 5)');
  });

  it('allows long passphrases (at least 64; here up to 128)', () => {
    expect(PASSWORD_MAX_LENGTH).toBeGreaterThanOrEqual(64);
    expect(code('x'.repeat(64).replace(/x/g, (_, i: number) => String.fromCharCode(97 + (i % 26))))).toBeNull();
    expect(code('kho đạn '.repeat(16))).toBeNull(); // 128
    expect(code('kho đạn '.repeat(16) + 'x')).toBe('password_too_long');
  });

  it('has no composition rules: spaces, lower case only, any script', () => {
    expect(code('correct horse battery staple')).toBeNull();
    expect(code('mật khẩu kho đạn số một')).toBeNull();
    expect(code('thisisalllowercase')).toBeNull();
  });

  it('refuses common passwords whatever their case, and the account’s own name', () => {
    expect(code('passwordpassword')).toBe('password_common');
    expect(code('PassWordPassWord')).toBe('password_common');
    expect(code('QWERTY123456789')).toBe('password_common');
    expect(code('1qaz2wsx3edc4rfv')).toBe('password_common');
    expect(code('Officer.Nguyen.01', 'officer.nguyen.01')).toBe('password_username');
    expect(code('DepotWatch')).toBe('password_too_short');
    expect(code('depot watch')).toBe('password_too_short');
  });

  it('refuses a weak ADMIN_PASSWORD at start, naming the variable and the reason', () => {
    expect(() => parseEnv({ ADMIN_PASSWORD: 'admin123' })).toThrow(/ADMIN_PASSWORD: must be at least 15 characters \(has 8\)/);
    expect(() => parseEnv({ ADMIN_PASSWORD: 'PasswordPassword' })).toThrow(/ADMIN_PASSWORD: is one of the most common passwords/);
    expect(parseEnv({ ADMIN_PASSWORD: 'test-admin-password' }).ADMIN_PASSWORD).toBe('test-admin-password');
    expect(parseEnv({}).ADMIN_PASSWORD).toBeUndefined();
  });
});
