import { describe, expect, it } from 'vitest';
import { passwordChangeFailure, passwordChangeProblem } from '../../web/src/lib/transforms/password.js';
import { translate } from '../../web/src/lib/i18n/index.js';

describe('the change-password form', () => {
  it('catches a short, long or mistyped new password before the round trip', () => {
    expect(passwordChangeProblem({ current: 'x', next: 'short', confirm: 'short' })).toEqual({ key: 'password.tooShort', params: { min: 15 } });
    expect(passwordChangeProblem({ current: 'x', next: 'a'.repeat(129), confirm: 'a'.repeat(129) })?.key).toBe('password.tooLong');
    expect(passwordChangeProblem({ current: 'x', next: 'kho đạn trực đêm', confirm: 'kho đạn trực ngày' })?.key).toBe('password.mismatch');
    expect(passwordChangeProblem({ current: '', next: 'kho đạn trực đêm', confirm: 'kho đạn trực đêm' })?.key).toBe('password.wrongCurrent');
    expect(passwordChangeProblem({ current: 'x', next: 'kho đạn trực đêm', confirm: 'kho đạn trực đêm' })).toBeNull();
  });

  it('names each of the server’s refusals in both languages', () => {
    const codes = ['password_too_short', 'password_too_long', 'password_common', 'password_username', 'password_unchanged', 'wrong_password', 'rate_limited'];
    for (const error of codes) {
      const f = passwordChangeFailure({ status: 400, error, message: 'm' });
      expect(f.key.startsWith('password.')).toBe(true);
      expect(translate('vi', f.key, f.params)).not.toMatch(/\{/);
      expect(translate('en', f.key, f.params)).not.toMatch(/\{/);
    }
    expect(translate('vi', 'password.common')).toContain('phổ biến');
    expect(passwordChangeFailure({ status: 0, error: 'network', message: '' }).key).toBe('error.network');
  });
});
