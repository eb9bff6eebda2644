// @peculiar/x509 resolves its algorithm plug-ins through tsyringe, which needs the Reflect
// metadata API before the library loads; every module here imports the library through this one.
import 'reflect-metadata';

export * from '@peculiar/x509';
