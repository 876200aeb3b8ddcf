import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { RELAY_CONFIG, type RelayConfig } from '../config/relay-config';
import { AdminUnauthorizedError } from './admin-request.error';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant
 * time (over digests, so the token's length does not show either).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(RELAY_CONFIG) config: RelayConfig) {
    this.expected = config.admin.token === undefined ? undefined : digest(config.admin.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
    if (this.expected === undefined || match === null || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new AdminUnauthorizedError('an operator token is required: Authorization: Bearer <ADMIN_TOKEN>');
    }
    return true;
  }
}
