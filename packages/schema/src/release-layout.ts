/** The release's metadata file name, in the release folder. */
export const CSV_FILE = 'FETAL_PLANES_DB_data.csv';

/** The release's image folder name, in the release folder: images are `Images/<Image_name>.png`. */
export const IMAGES_DIR = 'Images';
