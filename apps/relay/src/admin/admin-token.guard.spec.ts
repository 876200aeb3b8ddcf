import type { ExecutionContext } from '@nestjs/common';
import type { RelayConfig } from '../config/relay-config';
import { AdminUnauthorizedError } from './admin-request.error';
import { AdminTokenGuard } from './admin-token.guard';

const TOKEN = 'x'.repeat(40);

function context(authorization: string | undefined): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ headers: { authorization } }) }) } as unknown as ExecutionContext;
}

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard({ admin: { token: TOKEN } } as RelayConfig);

  it('lets the operator token through', () => {
    expect(guard.canActivate(context(`Bearer ${TOKEN}`))).toBe(true);
  });

  it.each([undefined, TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, 'Bearer ', `Bearer ${TOKEN} extra`])('refuses %j', (header) => {
    expect(() => guard.canActivate(context(header))).toThrow(AdminUnauthorizedError);
  });

  it('refuses everything when no token is configured', () => {
    expect(() => new AdminTokenGuard({ admin: {} } as RelayConfig).canActivate(context(`Bearer ${TOKEN}`))).toThrow(AdminUnauthorizedError);
  });
});
