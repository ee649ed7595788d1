import packageJson from '../../package.json' with { type: 'json' };

/** The version of `@bk/core`, recorded in every manifest (`bkVersion`). */
export const BK_VERSION: string = packageJson.version;
