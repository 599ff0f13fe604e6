/** The API's collections, as the suites call them. */
export const CAMPAIGNS = '/api/v1/campaigns';
export const LISTS = '/api/v1/lists';
export const OUTREACHES = '/api/v1/outreaches';
export const BLOCK_LIST = '/api/v1/block_list';
