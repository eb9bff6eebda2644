// @peculiar/x509 resolves its algorithm plug-ins through tsyringe, which needs the Reflect
// metadata API to exist before the library loads. Import the library only through this module.
import 'reflect-metadata';

export * from '@peculiar/x509';
