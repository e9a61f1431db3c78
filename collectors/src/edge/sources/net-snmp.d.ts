// The part of net-snmp (3.x, no types of its own) that the edge collector and its tests use.
// Shapes from node_modules/net-snmp/README.md and index.js.
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  export interface Varbind { oid: string; type: number; value: unknown }
  export interface SessionOptions { port?: number; retries?: number; timeout?: number; backoff?: number; transport?: 'udp4' | 'udp6'; version?: number; idBitsSize?: 16 | 32 }
  export interface User { name: string; level: number; authProtocol?: number; authKey?: string; privProtocol?: number; privKey?: string }

  export interface Session extends EventEmitter {
    get(oids: string[], callback: (error: Error | null, varbinds?: Varbind[]) => void): void;
    close(): void;
  }

  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: User, options?: SessionOptions & { context?: string }): Session;
  export function isVarbindError(varbind: Varbind): boolean;
  export function varbindError(varbind: Varbind): string;

  export const Version2c: number;
  export const Version3: number;
  export const ObjectType: Record<string, number>;
  export const SecurityLevel: Record<'noAuthNoPriv' | 'authNoPriv' | 'authPriv', number>;
  export const AuthProtocols: Record<'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512', number>;
  export const PrivProtocols: Record<'des' | 'aes' | 'aes256b' | 'aes256r', number>;
  export const MibProviderType: Record<'Scalar' | 'Table', number>;
  export const MaxAccess: Record<string, number>;
  export const AccessControlModelType: Record<'None' | 'Simple', number>;

  // the agent, for tests
  export interface Mib {
    setScalarValue(provider: string, value: unknown): void;
    addTableRow(provider: string, row: unknown[]): void;
    setTableSingleCell(provider: string, column: number, rowIndex: unknown[], value: unknown): void;
  }
  export interface Authorizer { addCommunity(community: string): void; addUser(user: User): void }
  export interface ProviderDefinition {
    name: string; type: number; oid: string; maxAccess: number; scalarType?: number;
    tableColumns?: { number: number; name: string; type: number; maxAccess: number }[];
    tableIndex?: { columnName: string }[];
  }
  export interface Agent {
    getMib(): Mib;
    getAuthorizer(): Authorizer;
    registerProvider(p: ProviderDefinition): void;
    close(callback?: () => void): void;
  }
  export function createAgent(options: { port?: number; address?: string | null; disableAuthorization?: boolean; engineID?: string }, callback: (error: Error | null, data: unknown) => void): Agent;
}
