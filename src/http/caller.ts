export interface Caller { readonly actor: string; readonly groups: readonly string[]; readonly via: 'loopback' | 'jwt' | 'trusted-header' }
